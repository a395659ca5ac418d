package roles

// Role names a role within one scope. The same name may exist in both scopes
// ("admin" of the organization and "admin" of a workspace); the field that
// holds it says which.
type Role string

// The default catalog's organization roles.
const (
	OrgOwner  Role = "owner"  // everything, billing included; admin of every workspace
	OrgAdmin  Role = "admin"  // members, settings, all workspaces; admin of every workspace
	OrgMember Role = "member" // standard user; content only through workspace access
	OrgGuest  Role = "guest"  // outside the company; only what was shared
)

// The default catalog's workspace roles.
const (
	WorkspaceAdmin           Role = "admin"            // content, folders, people, analytics, live events
	WorkspaceContributorPlus Role = "contributor_plus" // contributor + advanced tools, live events
	WorkspaceContributor     Role = "contributor"      // view, comment, upload, edit, share, analytics
	WorkspaceViewer          Role = "viewer"           // view and comment
)

// Scope says where a role applies.
type Scope uint8

// The two scopes.
const (
	ScopeOrg Scope = iota + 1
	ScopeWorkspace
)

func (s Scope) String() string {
	switch s {
	case ScopeOrg:
		return "org"
	case ScopeWorkspace:
		return "workspace"
	}
	return "invalid"
}

// RoleDef is a role as a catalog defines it.
type RoleDef struct {
	// Name identifies the role within its scope; it is what stores keep.
	Name Role
	// Scope is ScopeOrg or ScopeWorkspace.
	Scope Scope
	// Rank orders roles of one scope: an actor changes or removes only
	// holders of a rank no higher than its own. A role ranked at or above
	// another holds all of its powers (NewCatalog checks).
	Rank int
	// Perms are the permissions the role holds in its scope. An org role that
	// is AllWorkspaces also holds the top workspace role everywhere.
	Perms PermSet
	// Owner marks the catalog's single owner role (org scope): at least one
	// member always holds it, and only a holder makes another.
	Owner bool
	// AllWorkspaces makes holders admins (the top workspace role) of every
	// workspace of the organization, present and future.
	AllWorkspaces bool
	// Guest marks the org role given to people outside the organization's
	// co-worker domains. Guests invite nobody.
	Guest bool
}
