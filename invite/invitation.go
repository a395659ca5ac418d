package invite

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Status is where an invitation is in its lifecycle:
// pending -> accepted | rejected | revoked | expired.
type Status string

// Invitation statuses.
const (
	StatusPending  Status = "pending"  // sent, waiting for the invitee
	StatusAccepted Status = "accepted" // the invitee joined
	StatusRejected Status = "rejected" // the invitee declined
	StatusRevoked  Status = "revoked"  // withdrawn by someone who may invite
	// StatusExpired is never stored by the Service: a pending invitation
	// whose ExpiresAt has passed reads as expired (see Invitation.StatusAt).
	// A store may hold it for rows a host expired itself.
	StatusExpired Status = "expired"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusAccepted, StatusRejected, StatusRevoked, StatusExpired:
		return true
	}
	return false
}

// Invitation is an invitation of one email address to one organization.
// The token that accepts it is never stored: only its SHA-256 hash and,
// when the host configured a key, the token sealed with that key.
type Invitation struct {
	ID    uuid.UUID
	OrgID uuid.UUID
	// Email is the address as typed (trimmed): where mail goes and what is
	// shown. EmailKey is its canonical form (see ParseEmail): at most one
	// pending invitation per organization has a given EmailKey.
	Email    string
	EmailKey string
	// Name is the display name typed with the address ("Bob" of
	// "Bob <bob@partner.io>"); plain text, never put in a mail header.
	Name       string
	Role       roles.Role               // org role given on acceptance
	Kind       membership.Kind          // co-worker or guest, by the org's domains
	Workspaces map[uuid.UUID]roles.Role // workspace roles given on acceptance
	Grants     roles.PermSet            // extra org permissions given on acceptance
	InvitedBy  string                   // user ID of the inviter
	// Data is the host data of the Request (see Request.Data); stores
	// return nil for an empty map.
	Data   map[string]string
	Status Status // as stored; see StatusAt
	// TokenHash is the SHA-256 digest of the current token (32 bytes).
	TokenHash []byte
	// SealedToken is the current token sealed with the key KeyID names;
	// both are empty when the host configured no key.
	SealedToken []byte
	KeyID       string
	ExpiresAt   time.Time
	SentAt      time.Time // last time the invitation email was queued
	Sends       int       // emails queued: 1 + resends and refreshes
	// AcceptedBy is the user ID that accepted; DecidedAt is when the
	// invitation left pending (accepted, rejected or revoked).
	AcceptedBy string
	DecidedAt  time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// StatusAt returns the invitation's status at time now: a pending
// invitation whose ExpiresAt is not after now is expired.
func (inv Invitation) StatusAt(now time.Time) Status {
	if inv.Status == StatusPending && !now.Before(inv.ExpiresAt) {
		return StatusExpired
	}
	return inv.Status
}

// InvitationFilter narrows an invitation list; zero fields match everything.
type InvitationFilter struct {
	// Statuses keeps the invitations whose status at Now (see
	// Invitation.StatusAt) is one of these; empty keeps all.
	Statuses []Status
	// EmailKey keeps the invitations of one canonical address.
	EmailKey string
	// Now is the time that decides expiry; it must be set when Statuses is
	// not empty.
	Now time.Time
}

// Match reports whether inv passes f. Stores may use it; SQL stores
// express the same rule in their query.
func (f InvitationFilter) Match(inv Invitation) bool {
	if f.EmailKey != "" && inv.EmailKey != f.EmailKey {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	st := inv.StatusAt(f.Now)
	for _, s := range f.Statuses {
		if s == st {
			return true
		}
	}
	return false
}
