package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/storage"
)

var _ apikey.Store = (*Store)(nil)

const apiKeyCols = `id, org_id, user_id, name, scope_perms, scope_workspace, token_hash, created_at, expires_at,
last_used_at, revoked, revoked_at`

// apiKeyQueries are the fixed statements of API keys.
type apiKeyQueries struct {
	insert, selectOne, byHash, list, listOf, revoke, touch, exists string
	revokeMember, deleteOrg                                        string
}

func buildAPIKeyQueries(s *Store) apiKeyQueries {
	q := apiKeyQueries{
		insert:    `INSERT INTO roster_api_keys (` + apiKeyCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		selectOne: `SELECT ` + apiKeyCols + ` FROM roster_api_keys WHERE org_id = ? AND id = ?`,
		byHash:    `SELECT ` + apiKeyCols + ` FROM roster_api_keys WHERE token_hash = ?`,
		list: `SELECT ` + apiKeyCols + ` FROM roster_api_keys
WHERE org_id = ? AND id > ? AND (revoked = ? OR ?) ORDER BY id LIMIT ?`,
		listOf: `SELECT ` + apiKeyCols + ` FROM roster_api_keys
WHERE org_id = ? AND user_id = ? AND id > ? AND (revoked = ? OR ?) ORDER BY id LIMIT ?`,
		revoke: `UPDATE roster_api_keys SET revoked = ?, revoked_at = ? WHERE org_id = ? AND id = ? AND revoked = ?`,
		touch: `UPDATE roster_api_keys SET last_used_at = ?
WHERE org_id = ? AND id = ? AND revoked = ? AND last_used_at <= ?`,
		exists:       `SELECT 1 FROM roster_api_keys WHERE org_id = ? AND id = ?`,
		revokeMember: `UPDATE roster_api_keys SET revoked = ? WHERE org_id = ? AND user_id = ? AND revoked = ?`,
		deleteOrg:    `DELETE FROM roster_api_keys WHERE org_id = ?`,
	}
	for _, p := range []*string{&q.insert, &q.selectOne, &q.byHash, &q.list, &q.listOf, &q.revoke, &q.touch,
		&q.exists, &q.revokeMember, &q.deleteOrg} {
		*p = s.sql(*p)
	}
	return q
}

// InsertAPIKey inserts k. It returns ErrNotFound when k.OrgID does not
// exist, and ErrConflict when the ID or the Hash is taken.
func (s *Store) InsertAPIKey(ctx context.Context, k apikey.Key) error {
	if err := checkTimes(k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt); err != nil {
		return err
	}
	const op = "insert API key"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, k.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.kq.insert, k.ID, k.OrgID, k.UserID, k.Name, encPerms(k.Scope.Perms),
			k.Scope.Workspace, k.Hash[:], encTime(k.CreatedAt), encTime(k.ExpiresAt), encTime(k.LastUsedAt),
			k.Revoked, encTime(k.RevokedAt))
		return s.translate(ctx, op, err)
	})
}

// APIKey returns the key id of org, or ErrNotFound.
func (s *Store) APIKey(ctx context.Context, org, id uuid.UUID) (apikey.Key, error) {
	return reread(ctx, s, func(c querier) (apikey.Key, error) {
		return s.scanAPIKey(ctx, "API key", c.QueryRowContext(ctx, s.kq.selectOne, org, id))
	})
}

// APIKeyByHash returns the key, of any organization, whose Hash equals
// hash, or ErrNotFound: one query on a unique index.
func (s *Store) APIKeyByHash(ctx context.Context, hash apikey.Hash) (apikey.Key, error) {
	return reread(ctx, s, func(c querier) (apikey.Key, error) {
		return s.scanAPIKey(ctx, "API key by hash", c.QueryRowContext(ctx, s.kq.byHash, hash[:]))
	})
}

// APIKeys lists the keys of org that match f, ordered by ID.
func (s *Store) APIKeys(ctx context.Context, org uuid.UUID, f apikey.Filter, page storage.Page) ([]apikey.Key, string, error) {
	const op = "list API keys"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	q, args := s.kq.list, []any{org, after, false, !f.Active, n + 1}
	if f.UserID != "" {
		if !validText(f.UserID) {
			return nil, "", nil
		}
		q, args = s.kq.listOf, []any{org, f.UserID, after, false, !f.Active, n + 1}
	}
	out, err := reread(ctx, s, func(c querier) ([]apikey.Key, error) {
		return list(ctx, s, c, op, q, args, func(r scanner) (apikey.Key, error) {
			return s.scanAPIKey(ctx, op, r)
		})
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(k apikey.Key) string { return k.ID.String() })
	return out, next, nil
}

// RevokeAPIKey sets Revoked and RevokedAt of key id of org, if it is not
// revoked yet: one conditional UPDATE. It returns ErrNotFound when the key
// is not in org.
func (s *Store) RevokeAPIKey(ctx context.Context, org, id uuid.UUID, at time.Time) error {
	if err := checkTimes(at); err != nil {
		return err
	}
	const op = "revoke API key"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.kq.revoke, true, encTime(at), org, id, false)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.kq.exists, org, id)
	})
}

// TouchAPIKey sets LastUsedAt of key id of org to at, only if the key is
// not revoked and its LastUsedAt is not after staleBy: one conditional
// UPDATE, so that it never undoes a revocation and uses within the same
// interval write once.
func (s *Store) TouchAPIKey(ctx context.Context, org, id uuid.UUID, at, staleBy time.Time) error {
	if err := checkTimes(at, staleBy); err != nil {
		return err
	}
	const op = "touch API key"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.kq.touch, encTime(at), org, id, false, encTime(staleBy))
		return s.translate(ctx, op, err)
	})
}

func (s *Store) scanAPIKey(ctx context.Context, op string, r scanner) (apikey.Key, error) {
	var (
		k                  apikey.Key
		perms              int64
		hash               []byte
		cat, exp, lua, rat string
	)
	if err := r.Scan(&k.ID, &k.OrgID, &k.UserID, &k.Name, &perms, &k.Scope.Workspace, &hash,
		&cat, &exp, &lua, &k.Revoked, &rat); err != nil {
		return apikey.Key{}, s.translate(ctx, op, err)
	}
	if len(hash) != len(k.Hash) {
		return apikey.Key{}, fmt.Errorf("sqlstore: %s: stored key digest has %d bytes", op, len(hash))
	}
	copy(k.Hash[:], hash)
	k.Scope.Perms = decPerms(perms)
	if err := decTimes([]string{cat, exp, lua, rat}, &k.CreatedAt, &k.ExpiresAt, &k.LastUsedAt, &k.RevokedAt); err != nil {
		return apikey.Key{}, err
	}
	return k, nil
}
