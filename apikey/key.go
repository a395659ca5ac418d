package apikey

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Key is an API key as a store keeps it: everything but the secret, of
// which only the digest is kept. A key acts as its member (UserID) in its
// organization, with the member's permissions at the time of each use,
// narrowed by Scope; it never holds a permission of its own.
type Key struct {
	ID     uuid.UUID
	OrgID  uuid.UUID
	UserID string // the member the key acts as, who created it
	Name   string // what the member called it, e.g. "CI upload"
	Scope  Scope
	// Hash is the SHA-256 digest of the secret. The Service returns keys
	// with a zero Hash; stores keep and return it.
	Hash       Hash
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used; recorded at most once a LastUseInterval
	// Revoked is true once the key was revoked. RevokedAt is when; it is
	// zero for a key revoked by its member's removal.
	Revoked   bool
	RevokedAt time.Time
}

// Expired reports whether k has expired at now.
func (k Key) Expired(now time.Time) bool { return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt) }

// Scope narrows what a key may do to less than its member may. The zero
// Scope narrows nothing: the key may do whatever its member may.
type Scope struct {
	// Perms, when not empty, are the only permissions the key may use (of
	// either scope); empty means all of the member's.
	Perms roles.PermSet
	// Workspace, when not uuid.Nil, is the only workspace the key may act
	// in, and the key then holds no organization permission (CanOrg says
	// no).
	Workspace uuid.UUID
}
