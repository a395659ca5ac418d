package invite

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Link is a shareable invite link: anyone whose verified email domain is
// allowed may join with it, until it expires, runs out of uses or is
// revoked. Like an invitation's, its token is stored only as a hash (and
// sealed, when the host configured a key).
type Link struct {
	ID         uuid.UUID
	OrgID      uuid.UUID
	Role       roles.Role               // org role given on joining
	Workspaces map[uuid.UUID]roles.Role // workspace roles given on joining
	CreatedBy  string                   // user ID whose authority the link carries
	// Data is the host data of the NewLink (see Request.Data); stores
	// return nil for an empty map.
	Data map[string]string
	// TokenHash is the SHA-256 digest of the current token (32 bytes).
	TokenHash   []byte
	SealedToken []byte
	KeyID       string
	// MaxUses caps the joins; 0 means no cap. Uses counts them.
	MaxUses int
	Uses    int
	// ExpiresAt ends the link; the zero time means it does not expire.
	ExpiresAt time.Time
	// AllowedDomains restricts who may join to these email domains
	// (lower-case ASCII); empty allows every domain.
	AllowedDomains []string
	Revoked        bool
	RevokedAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Expired reports whether the link has expired at time now.
func (l Link) Expired(now time.Time) bool {
	return !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt)
}

// UsedUp reports whether the link has no join left.
func (l Link) UsedUp() bool { return l.MaxUses > 0 && l.Uses >= l.MaxUses }

// Active reports whether the link can be joined with at time now.
func (l Link) Active(now time.Time) bool {
	return !l.Revoked && !l.Expired(now) && !l.UsedUp()
}
