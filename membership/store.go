package membership

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// Store is the persistence the membership Service needs: the union of one
// small interface per concern, so that a store author can write and test
// one concern at a time. memstore and sqlstore implement it; a host may
// implement it over its own database and prove it with storagetest.Run.
//
// Every method joins the transaction carried by ctx, if any. Methods that
// take an org ID never see or touch rows of another organization: a row of
// another organization is ErrNotFound. Lists are ordered by the key named in
// their comment and paged by keyset: the page's last key is encoded with
// storage.Cursor and decoded with Page.Key; an undecodable cursor is
// storage.ErrInvalidCursor. A list returns the cursor of the next page, or
// "" when it is the last one (a cursor may lead to an empty page). The
// Service validates input before calling a store; stores enforce
// uniqueness as the last line of defence. Errors other than those named
// (ErrNotFound, ErrConflict, storage.ErrInvalidCursor) are store
// failures, which the Service passes on.
type Store interface {
	storage.Transactor
	OrganizationStore
	WorkspaceStore
	MemberStore
	AccessStore
	AuditStore
	OutboxStore
}

// OrganizationStore keeps organizations, and finds a user's.
type OrganizationStore interface {
	// CreateOrganization inserts org. It returns ErrConflict when the ID or
	// the slug is taken.
	CreateOrganization(ctx context.Context, org Organization) error
	// Organization returns the organization with id, or ErrNotFound.
	Organization(ctx context.Context, id uuid.UUID) (Organization, error)
	// OrganizationBySlug returns the organization with slug, or ErrNotFound.
	OrganizationBySlug(ctx context.Context, slug string) (Organization, error)
	// LockOrganization returns the organization with id and, inside a
	// transaction, serializes it: a second transaction locking the same
	// organization waits until the first ends. Every mutation of an
	// organization's members, workspaces, invitations or links starts with
	// it. It returns ErrNotFound when the organization does not exist.
	LockOrganization(ctx context.Context, id uuid.UUID) (Organization, error)
	// UpdateOrganization replaces name, slug, settings and UpdatedAt. It
	// returns ErrNotFound when the organization does not exist and
	// ErrConflict when the new slug is taken.
	UpdateOrganization(ctx context.Context, org Organization) error
	// DeleteOrganization deletes the organization and everything in it:
	// workspaces, members, access, invitations, links and audit events. It
	// returns ErrNotFound when the organization does not exist.
	DeleteOrganization(ctx context.Context, id uuid.UUID) error
	// UserOrganizations lists the organizations userID is a member of,
	// ordered by organization ID. It returns storage.ErrInvalidCursor for
	// a bad page.
	UserOrganizations(ctx context.Context, userID string, page storage.Page) ([]Organization, string, error)
	// UserMemberships is UserOrganizations with userID's role in each and
	// whether it is deactivated there.
	UserMemberships(ctx context.Context, userID string, page storage.Page) ([]UserMembership, string, error)
}

// WorkspaceStore keeps the workspaces of organizations.
type WorkspaceStore interface {
	// CreateWorkspace inserts ws. It returns ErrNotFound when its
	// organization does not exist and ErrConflict when the name is taken in
	// the organization.
	CreateWorkspace(ctx context.Context, ws Workspace) error
	// Workspace returns the workspace id of org, or ErrNotFound.
	Workspace(ctx context.Context, org, id uuid.UUID) (Workspace, error)
	// UpdateWorkspace replaces the name. It returns ErrNotFound when the
	// workspace is not in ws.OrgID and ErrConflict when the name is taken.
	UpdateWorkspace(ctx context.Context, ws Workspace) error
	// DeleteWorkspace deletes the workspace id of org and every access row to
	// it. It returns ErrNotFound when the workspace is not in org.
	DeleteWorkspace(ctx context.Context, org, id uuid.UUID) error
	// Workspaces lists the workspaces of org, ordered by ID. It returns
	// storage.ErrInvalidCursor for a bad page.
	Workspaces(ctx context.Context, org uuid.UUID, page storage.Page) ([]Workspace, string, error)
}

// MemberStore keeps the members of organizations.
type MemberStore interface {
	// InsertMember inserts m. It returns ErrNotFound when m.OrgID does not
	// exist and ErrConflict when the user is already a member.
	InsertMember(ctx context.Context, m Member) error
	// Member returns userID's membership of org, or ErrNotFound.
	Member(ctx context.Context, org uuid.UUID, userID string) (Member, error)
	// UpdateMember replaces every field of the member but OrgID, UserID and
	// JoinedAt. It returns ErrNotFound when the user is not a member.
	UpdateMember(ctx context.Context, m Member) error
	// DeleteMember deletes the membership and all its workspace access. It
	// returns ErrNotFound when the user is not a member.
	DeleteMember(ctx context.Context, org uuid.UUID, userID string) error
	// Members lists the members of org that match f, ordered by user ID.
	// It returns storage.ErrInvalidCursor for a bad page.
	Members(ctx context.Context, org uuid.UUID, f MemberFilter, page storage.Page) ([]Member, string, error)
	// CountMembers counts the members of org that match f.
	CountMembers(ctx context.Context, org uuid.UUID, f MemberFilter) (int, error)
	// MembersByID returns the members of org among userIDs (at most
	// storage.MaxPageSize of them), ordered by user ID; unknown IDs are
	// left out.
	MembersByID(ctx context.Context, org uuid.UUID, userIDs []string) ([]Member, error)
}

// AccessStore keeps members' roles in workspaces, and answers the check
// every request makes.
type AccessStore interface {
	// SetAccess gives a.UserID role a.Role in workspace a.WorkspaceID,
	// replacing any role it had there. It returns ErrNotFound when the
	// workspace or the member is not in a.OrgID.
	SetAccess(ctx context.Context, a WorkspaceAccess) error
	// DeleteAccess removes userID's access to workspace ws of org. It returns
	// ErrNotFound when there is none.
	DeleteAccess(ctx context.Context, org, ws uuid.UUID, userID string) error
	// MemberAccess lists userID's workspace access in org, ordered by
	// workspace ID.
	MemberAccess(ctx context.Context, org uuid.UUID, userID string) ([]WorkspaceAccess, error)
	// AccessOf lists the workspace access of the members userIDs of org
	// (at most storage.MaxPageSize of them), each row with its
	// workspace's name, ordered by user ID, then workspace ID: one read
	// for a page of a Members tab.
	AccessOf(ctx context.Context, org uuid.UUID, userIDs []string) ([]NamedAccess, error)
	// WorkspaceAccessList lists the access rows of workspace ws of org,
	// ordered by user ID. It returns storage.ErrInvalidCursor for a bad page.
	WorkspaceAccessList(ctx context.Context, org, ws uuid.UUID, page storage.Page) ([]WorkspaceAccess, string, error)
	// CheckAccess returns, in one look-up, what a permission check needs about
	// userID in workspace ws of org (ws may be uuid.Nil for org-scope
	// checks). It returns ErrNotFound when userID is not a member of org. It
	// is called on every request: it should not allocate.
	CheckAccess(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (Access, error)
}

// AuditStore keeps the audit trail of organizations.
type AuditStore interface {
	// AppendAudit inserts e. It returns ErrConflict when e's ID is taken.
	AppendAudit(ctx context.Context, e AuditEvent) error
	// Audit lists the audit events of org that match f, ordered by ID. It
	// returns storage.ErrInvalidCursor for a bad page.
	Audit(ctx context.Context, org uuid.UUID, f AuditFilter, page storage.Page) ([]AuditEvent, string, error)
}

// OutboxStore is the transactional outbox: messages written with a
// mutation and delivered after it commits, at least once, by any number of
// workers. It is not tied to organizations: deleting an organization keeps
// its undelivered messages.
type OutboxStore interface {
	// Enqueue inserts messages into the outbox. It returns ErrConflict
	// when a message's ID is taken.
	Enqueue(ctx context.Context, msgs ...Message) error
	// Claim returns up to limit undelivered messages of channel whose
	// NextAttempt is not after now, oldest first, and moves their
	// NextAttempt to now+lease and adds one to Attempts, so that other
	// workers skip them meanwhile.
	Claim(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// Ack deletes a delivered message. A message already gone is not an
	// error.
	Ack(ctx context.Context, id uuid.UUID) error
	// Retry sets a message's NextAttempt and LastError after a failed
	// delivery. A message already gone is not an error. A NextAttempt of
	// DeadLetterTime() makes the message a dead letter: Claim never
	// returns it again.
	Retry(ctx context.Context, id uuid.UUID, next time.Time, lastErr string) error
	// DeadLetters lists the dead letters of channel (messages whose
	// NextAttempt is DeadLetterTime()), ordered by ID. It returns
	// storage.ErrInvalidCursor for a bad page.
	DeadLetters(ctx context.Context, channel string, page storage.Page) ([]Message, string, error)
	// Revive makes the dead letter id due at next with no attempt counted
	// (its LastError stays). It returns ErrNotFound when no dead letter has
	// that ID.
	Revive(ctx context.Context, id uuid.UUID, next time.Time) error
}

// PermissionIndex is an optional Store extension that answers permission
// checks from permissions computed ahead of time, for one catalog: Can and
// CanOrg then cost one look-up and a bit test, without role names or a
// catalog search on the way. The Service finds it on its Store by a type
// assertion when it is made (New) and asks IndexPermissions once; a Store
// without it, or one that declines the Service's catalog, is asked
// CheckAccess instead, with the same answers.
//
// A wrapper that embeds a Store implementing PermissionIndex and overrides
// CheckAccess (to count, cache or trace checks) must override
// CheckPermissions too, or checks will bypass its CheckAccess.
type PermissionIndex interface {
	// IndexPermissions asks the store to keep, from now on, what
	// CheckPermissions returns under cat. It reports whether the store
	// answers CheckPermissions for cat: false when it already keeps them
	// for a catalog that differs from cat in any role. It may take as
	// long as a transaction over every member, and waits for a running
	// transaction to end, so it must not be called inside one.
	IndexPermissions(cat *roles.Catalog) bool
	// CheckPermissions returns, under the catalog IndexPermissions
	// accepted, the permissions userID holds in workspace ws of org:
	// cat.WorkspacePerms of its org role, grants and role in ws (with the
	// top workspace role for AllWorkspaces org roles, in every workspace
	// of org); with ws uuid.Nil, cat.OrgPerms of its org role and grants.
	// It returns the empty set for a non-member, a deactivated member or
	// a workspace not in org; the error is for store failures only. It
	// joins the transaction carried by ctx, if any, and is called on every
	// request: it should not allocate.
	CheckPermissions(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (roles.PermSet, error)
}

// InvitationLedger is what the membership Service needs of a store's
// invitations and invite links, which the invite package owns: seats held
// by pending invitations, and revoking what a member sent when the member
// loses the right to invite. invite.Store embeds it, so every store of
// both packages implements it; the Service finds it on its Store by a type
// assertion, and a Store without it has no invitations (none pending,
// none to revoke).
//
// Both methods join the transaction carried by ctx, if any; the Service
// calls them under the organization's lock (Store.LockOrganization).
type InvitationLedger interface {
	// CountPendingInvitations counts the invitations of org whose Status
	// is pending and whose ExpiresAt is after now: those holding a seat.
	// An organization that does not exist has none.
	CountPendingInvitations(ctx context.Context, org uuid.UUID, now time.Time) (int, error)
	// RevokeInvitesBy revokes, as of now, every invitation of org with
	// Status pending (whatever its expiry) that inviter sent, and every
	// link of org that inviter created and that is not revoked: an
	// invitation's Status becomes revoked and its DecidedAt and UpdatedAt
	// now; a link's Revoked becomes true and its RevokedAt and UpdatedAt
	// now; the sealed token and key ID of both are cleared, the token hash
	// kept (so the token reads as revoked). It returns what it revoked:
	// invitations, then links, each ordered by ID. Revoking nothing (an
	// organization that does not exist included) is not an error.
	RevokeInvitesBy(ctx context.Context, org uuid.UUID, inviter string, now time.Time) ([]RevokedInvite, error)
	// RevokeInvitationTo revokes, as of now and as RevokeInvitesBy does,
	// the invitation of org with Status pending (whatever its expiry) whose
	// EmailKey is emailKey, and returns it; it returns none when there is
	// no such invitation (an organization that does not exist included).
	// The Service calls it when it admits a member by another way than
	// that invitation, so that the invitation holds no seat beside the
	// member and cannot be accepted later.
	RevokeInvitationTo(ctx context.Context, org uuid.UUID, emailKey string, now time.Time) ([]RevokedInvite, error)
	// InviteSenders returns, each once and in no particular order, the
	// user IDs that sent an invitation of org with Status pending
	// (whatever its expiry) or created a link of org that is not revoked:
	// those RevokeInvitesBy would revoke something of. An organization
	// that does not exist has none.
	InviteSenders(ctx context.Context, org uuid.UUID) ([]string, error)
}

// RevokedInvite is an invitation or an invite link that
// InvitationLedger.RevokeInvitesBy revoked.
type RevokedInvite struct {
	ID uuid.UUID
	// Link is true for an invite link, false for an email invitation.
	Link bool
	// EmailKey is the invitation's canonical address; "" for a link.
	EmailKey string
	// Role is the org role it would have given.
	Role roles.Role
	// InvitedBy is the user ID that sent the invitation or created the
	// link.
	InvitedBy string
}
