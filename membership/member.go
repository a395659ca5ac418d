package membership

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Kind says whether a member belongs to the company or is a guest.
type Kind string

// Member kinds.
const (
	KindCoworker Kind = "coworker" // email in the organization's domains
	KindGuest    Kind = "guest"    // outside them
)

// Member is a user's membership of one organization.
type Member struct {
	OrgID       uuid.UUID
	UserID      string // the host's user ID
	Email       string
	Name        string
	Role        roles.Role    // org role
	Kind        Kind          // co-worker or guest
	Grants      roles.PermSet // extra org permissions (billing, API, invite…)
	Licensed    bool          // holds one of the organization's licences
	SSO         bool          // signs in through the host's SSO
	Deactivated bool          // roles kept, every check denies
	InvitedBy   string        // actor who added or invited the member
	JoinedAt    time.Time
	UpdatedAt   time.Time
}

// NewMember describes someone to add to an organization.
type NewMember struct {
	UserID string
	Email  string
	Name   string
	// Role is the org role; "" means the catalog's default. People outside
	// the co-worker domains get the catalog's guest role when it has one.
	Role   roles.Role
	Grants roles.PermSet
	// Workspaces gives workspace roles, by workspace ID.
	Workspaces map[uuid.UUID]roles.Role
	Licensed   bool
	// SSO marks a member who signs in through the host's SSO; it is always
	// on where the organization's Settings.SSORequired is.
	SSO bool
	// Data is host data carried to the member.added event, as "data.<key>"
	// entries, and not stored with the member (the invite package passes
	// an invitation's or link's data here). Bounds: at most 16 keys of 1 to
	// 64 ASCII letters, digits, '.', '_' or '-', values of at most 1024
	// bytes of UTF-8 (ErrInvalidInput otherwise).
	Data map[string]string
}

// RoleChange is one entry of ChangeRoles.
type RoleChange struct {
	UserID string
	Role   roles.Role
}

// MemberFilter narrows a member list; zero fields match everything.
type MemberFilter struct {
	Role      roles.Role
	Kind      Kind
	Workspace uuid.UUID // members with explicit access to this workspace
	// Prefix matches the start of the email or the name, ignoring ASCII case.
	Prefix       string
	LicensedOnly bool
	// ActiveOnly keeps the members that are not deactivated.
	ActiveOnly bool
}

// WorkspaceMember is a member with its role in one workspace, as listed by
// Service.WorkspaceMembers.
type WorkspaceMember struct {
	Member
	WorkspaceRole roles.Role
	// Implicit marks an owner or admin (an AllWorkspaces org role), who
	// reaches every workspace with the top workspace role, with or without
	// explicit access.
	Implicit bool
}

// Access is what a permission check needs to know about one user in one
// workspace; stores return it from one look-up.
type Access struct {
	Role          roles.Role    // org role
	Grants        roles.PermSet // extra grants
	Deactivated   bool
	WorkspaceRole roles.Role // "" when the user has no explicit access
	// WorkspaceFound is true when the workspace exists in the organization.
	WorkspaceFound bool
}
