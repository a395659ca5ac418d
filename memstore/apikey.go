package memstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/storage"
)

var _ apikey.Store = (*Store)(nil)

// API keys live in their organization, by ID; a store-wide tree finds
// them by digest. Both rows point to the same immutable record, and a
// change stores a new record in both.

type apiKeyRow struct {
	id uuid.UUID
	k  *apikey.Key
}

func lessAPIKey(a, b apiKeyRow) bool { return lessID(a.id, b.id) }

// apiKeyHashRow finds a key of any organization by its digest.
type apiKeyHashRow struct {
	hash apikey.Hash
	k    *apikey.Key
}

func lessAPIKeyHash(a, b apiKeyHashRow) bool { return bytes.Compare(a.hash[:], b.hash[:]) < 0 }

func newAPIKeyTree() *btree.BTreeG[apiKeyRow] { return btree.NewG(degree, lessAPIKey) }

func newAPIKeyHashTree() *btree.BTreeG[apiKeyHashRow] { return btree.NewG(degree, lessAPIKeyHash) }

// apiKey returns key id, or nil.
func (o *orgData) apiKey(id uuid.UUID) *apikey.Key {
	r, ok := o.apiKeys.Get(apiKeyRow{id: id})
	if !ok {
		return nil
	}
	return r.k
}

// putAPIKey stores k, new or changed, in both trees.
func (t *tx) putAPIKey(o *orgData, k apikey.Key) {
	put(t, o.apiKeys, apiKeyRow{id: k.ID, k: &k})
	put(t, t.st.apiKeyHashes, apiKeyHashRow{hash: k.Hash, k: &k})
}

// InsertAPIKey inserts k. It returns ErrNotFound when k.OrgID does not
// exist, and ErrConflict when the ID or the Hash is taken.
func (s *Store) InsertAPIKey(ctx context.Context, k apikey.Key) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(k.OrgID)
		if o == nil {
			return orgNotFound(k.OrgID)
		}
		if o.apiKey(k.ID) != nil {
			return fmt.Errorf("memstore: API key %s: %w", k.ID, storage.ErrConflict)
		}
		if _, taken := t.st.apiKeyHashes.Get(apiKeyHashRow{hash: k.Hash}); taken {
			return fmt.Errorf("memstore: API key %s: hash: %w", k.ID, storage.ErrConflict)
		}
		t.putAPIKey(o, k)
		return nil
	})
}

// APIKey returns the key id of org, or ErrNotFound.
func (s *Store) APIKey(ctx context.Context, org, id uuid.UUID) (apikey.Key, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if k := o.apiKey(id); k != nil {
			return *k, nil
		}
	}
	return apikey.Key{}, apiKeyNotFound(id)
}

// APIKeyByHash returns the key, of any organization, whose Hash equals
// hash, or ErrNotFound. A found key costs one tree look-up under the read
// lock, and no allocation.
func (s *Store) APIKeyByHash(ctx context.Context, hash apikey.Hash) (apikey.Key, error) {
	st, rd := s.view(ctx)
	r, ok := st.apiKeyHashes.Get(apiKeyHashRow{hash: hash})
	rd.leave()
	if !ok {
		return apikey.Key{}, errAPIKeyByHash
	}
	return *r.k, nil
}

var errAPIKeyByHash = fmt.Errorf("memstore: API key by hash: %w", storage.ErrNotFound)

// APIKeys lists the keys of org that match f, ordered by ID. An
// organization that does not exist has none.
func (s *Store) APIKeys(ctx context.Context, org uuid.UUID, f apikey.Filter, page storage.Page) ([]apikey.Key, string, error) {
	return idList(s, ctx, "API keys", org, page,
		func(o *orgData) *btree.BTreeG[apiKeyRow] { return o.apiKeys },
		func(id uuid.UUID) apiKeyRow { return apiKeyRow{id: id} },
		func(r apiKeyRow) uuid.UUID { return r.id },
		func(r apiKeyRow) bool { return f.Match(*r.k) },
		func(r apiKeyRow) apikey.Key { return *r.k })
}

// RevokeAPIKey sets Revoked and RevokedAt of key id of org, if it is not
// revoked yet. It returns ErrNotFound when the key is not in org.
func (s *Store) RevokeAPIKey(ctx context.Context, org, id uuid.UUID, at time.Time) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil || o.apiKey(id) == nil {
			return apiKeyNotFound(id)
		}
		k := *o.apiKey(id)
		if k.Revoked {
			return nil
		}
		k.Revoked, k.RevokedAt = true, at
		t.putAPIKey(o, k)
		return nil
	})
}

// TouchAPIKey sets LastUsedAt of key id of org to at, only if the key is
// not revoked and its LastUsedAt is not after staleBy.
func (s *Store) TouchAPIKey(ctx context.Context, org, id uuid.UUID, at, staleBy time.Time) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil || o.apiKey(id) == nil {
			return nil
		}
		k := *o.apiKey(id)
		if k.Revoked || k.LastUsedAt.After(staleBy) {
			return nil
		}
		k.LastUsedAt = at
		t.putAPIKey(o, k)
		return nil
	})
}

// revokeAPIKeysOf revokes the keys of userID in o, as the member's removal
// does (RevokedAt stays zero).
func (t *tx) revokeAPIKeysOf(o *orgData, userID string) {
	var keys []apikey.Key
	o.apiKeys.Ascend(func(r apiKeyRow) bool {
		if r.k.UserID == userID && !r.k.Revoked {
			keys = append(keys, *r.k)
		}
		return true
	})
	for _, k := range keys {
		k.Revoked = true
		t.putAPIKey(o, k)
	}
}

// dropAPIKeys unlinks the digests of o's keys, whose organization is being
// deleted (the keys go with it).
func (t *tx) dropAPIKeys(o *orgData) {
	o.apiKeys.Ascend(func(r apiKeyRow) bool {
		del(t, t.st.apiKeyHashes, apiKeyHashRow{hash: r.k.Hash})
		return true
	})
}

func apiKeyNotFound(id uuid.UUID) error {
	return fmt.Errorf("memstore: API key %s: %w", id, storage.ErrNotFound)
}
