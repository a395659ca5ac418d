package invite

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// Store is the persistence the invite Service needs, beside
// membership.Store: the same store value implements both, and a
// transaction begun through either is joined by the other (the Service
// passes the context of membership.Extension.Mutate to these methods).
// memstore and sqlstore implement it; a host may implement it over its own
// database and prove it with storagetest.
//
// Every method joins the transaction carried by ctx, if any. Methods that
// take an org ID never see or touch rows of another organization: such a
// row is ErrNotFound. Lists are ordered by ID and paged by keyset: the
// page's last ID (its String form) is encoded with storage.Cursor and
// decoded with Page.Key; an undecodable cursor is storage.ErrInvalidCursor.
// Byte slices and maps passed in or returned are not retained or shared by
// the store: it copies them. Deleting an organization
// (membership.Store.DeleteOrganization) also deletes its invitations, links
// and sends.
type Store interface {
	storage.Transactor
	// InvitationLedger counts the seats pending invitations hold and
	// revokes what a member sent when it loses the right to invite; the
	// membership Service calls it.
	membership.InvitationLedger
	InvitationStore
	LinkStore
	SendStore
}

// InvitationStore keeps email invitations.
type InvitationStore interface {
	// InsertInvitation inserts inv. It returns ErrNotFound when inv.OrgID
	// does not exist, and ErrConflict when the ID or the TokenHash is taken,
	// or when inv.Status is StatusPending and the organization already has
	// an invitation with Status StatusPending (stored, whatever its expiry)
	// and the same EmailKey.
	InsertInvitation(ctx context.Context, inv Invitation) error
	// Invitation returns the invitation id of org, or ErrNotFound.
	Invitation(ctx context.Context, org, id uuid.UUID) (Invitation, error)
	// InvitationByTokenHash returns the invitation, of any organization,
	// whose TokenHash equals hash, or ErrNotFound.
	InvitationByTokenHash(ctx context.Context, hash []byte) (Invitation, error)
	// PendingInvitation returns the invitation of org with Status
	// StatusPending (stored, whatever its expiry) and EmailKey emailKey, or
	// ErrNotFound.
	PendingInvitation(ctx context.Context, org uuid.UUID, emailKey string) (Invitation, error)
	// UpdateInvitation replaces every field of the invitation but ID,
	// OrgID, Email, EmailKey and CreatedAt. It returns ErrNotFound when the
	// invitation is not in inv.OrgID, and ErrConflict when the TokenHash is
	// another invitation's, or when it makes the invitation pending while
	// another pending invitation of the organization has its EmailKey.
	UpdateInvitation(ctx context.Context, inv Invitation) error
	// Invitations lists the invitations of org that match f (see
	// InvitationFilter.Match), ordered by ID.
	Invitations(ctx context.Context, org uuid.UUID, f InvitationFilter, page storage.Page) ([]Invitation, string, error)
	// PendingInvitationsByEmail lists the invitations of every
	// organization with Status StatusPending, ExpiresAt after now and
	// EmailKey emailKey, ordered by ID: a user's invitations across
	// organizations.
	PendingInvitationsByEmail(ctx context.Context, emailKey string, now time.Time, page storage.Page) ([]Invitation, string, error)
	// CountInvitations counts the invitations of org that match f.
	CountInvitations(ctx context.Context, org uuid.UUID, f InvitationFilter) (int, error)
}

// LinkStore keeps shareable invite links.
type LinkStore interface {
	// InsertLink inserts l. It returns ErrNotFound when l.OrgID does not
	// exist, and ErrConflict when the ID or the TokenHash is taken.
	InsertLink(ctx context.Context, l Link) error
	// Link returns the link id of org, or ErrNotFound.
	Link(ctx context.Context, org, id uuid.UUID) (Link, error)
	// LinkByTokenHash returns the link, of any organization, whose
	// TokenHash equals hash, or ErrNotFound.
	LinkByTokenHash(ctx context.Context, hash []byte) (Link, error)
	// UpdateLink replaces every field of the link but ID, OrgID, Uses and
	// CreatedAt. It returns ErrNotFound when the link is not in l.OrgID and
	// ErrConflict when the TokenHash is another link's.
	UpdateLink(ctx context.Context, l Link) error
	// UseLink adds one to the Uses of link id of org, atomically and only
	// if the link is not revoked and, when MaxUses > 0, Uses < MaxUses. It
	// returns ErrNotFound when the link is not in org and ErrConflict when
	// the link is revoked or used up (then nothing changes).
	UseLink(ctx context.Context, org, id uuid.UUID) error
	// Links lists the links of org, ordered by ID.
	Links(ctx context.Context, org uuid.UUID, page storage.Page) ([]Link, string, error)
}

// SendStore counts the invitation emails sent, for the daily quotas.
type SendStore interface {
	// InsertSend inserts s. It returns ErrNotFound when s.OrgID does not
	// exist and ErrConflict when the ID is taken.
	InsertSend(ctx context.Context, s Send) error
	// CountSends sums the Count of the sends of org whose At is not before
	// since, of one inviter, or of all when inviter is "".
	CountSends(ctx context.Context, org uuid.UUID, inviter string, since time.Time) (int, error)
	// DeleteSends deletes the sends of org whose At is before before.
	DeleteSends(ctx context.Context, org uuid.UUID, before time.Time) error
}
