package apikey

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// Store is the persistence the apikey Service needs, beside
// membership.Store: the same store value implements both, and a
// transaction begun through either is joined by the other (the Service
// passes the context of membership.Extension.Mutate to these methods).
// memstore and sqlstore implement it; a host may implement it over its own
// database and prove it with storagetest.
//
// Every method joins the transaction carried by ctx, if any. Methods that
// take an org ID never see or touch keys of another organization: such a
// key is ErrNotFound. Lists are ordered by ID and paged by keyset: the
// page's last ID (its String form) is encoded with storage.Cursor and
// decoded with Page.Key; an undecodable cursor is storage.ErrInvalidCursor.
//
// Two methods of membership.Store change keys too: DeleteMember revokes
// the member's keys in its transaction (Revoked true, RevokedAt left
// zero), and DeleteOrganization deletes the organization's keys.
type Store interface {
	storage.Transactor

	// InsertAPIKey inserts k. It returns ErrNotFound when k.OrgID does not
	// exist, and ErrConflict when the ID or the Hash is taken.
	InsertAPIKey(ctx context.Context, k Key) error
	// APIKey returns the key id of org, or ErrNotFound.
	APIKey(ctx context.Context, org, id uuid.UUID) (Key, error)
	// APIKeyByHash returns the key, of any organization, whose Hash equals
	// hash, or ErrNotFound. It is called on every request that presents a
	// key: it should not allocate.
	APIKeyByHash(ctx context.Context, hash Hash) (Key, error)
	// APIKeys lists the keys of org that match f, ordered by ID.
	APIKeys(ctx context.Context, org uuid.UUID, f Filter, page storage.Page) ([]Key, string, error)
	// RevokeAPIKey sets Revoked and RevokedAt (to at) of key id of org, if
	// it is not revoked yet; a revoked key is left as it is. It returns
	// ErrNotFound when the key is not in org.
	RevokeAPIKey(ctx context.Context, org, id uuid.UUID, at time.Time) error
	// TouchAPIKey sets LastUsedAt of key id of org to at, only if the key
	// is not revoked and its LastUsedAt is not after staleBy, and changes
	// nothing else: a use racing a revocation never undoes it. A key that
	// is not in org, revoked, or used after staleBy is left as it is, and
	// is not an error.
	TouchAPIKey(ctx context.Context, org, id uuid.UUID, at, staleBy time.Time) error
}

// Filter selects keys in a list. The zero Filter selects every key of the
// organization.
type Filter struct {
	// UserID, when not "", selects the keys of that member only.
	UserID string
	// Active selects keys that are not revoked (expired ones included).
	Active bool
}

// Match reports whether k passes the filter.
func (f Filter) Match(k Key) bool {
	return (f.UserID == "" || k.UserID == f.UserID) && (!f.Active || !k.Revoked)
}
