package roles

import (
	"fmt"
	"unicode/utf8"
)

// PermissionSpec names a custom permission of a host's catalog.
type PermissionSpec struct {
	// Name is how the permission is spelled in configuration and logs.
	Name string
	// Permission is its bit, from FirstCustom to MaxPermission. Bits are
	// stored with members, so keep each one for life.
	Permission Permission
	// Scope is where it applies: ScopeOrg permissions may also be given as
	// per-member grants.
	Scope Scope
}

// CatalogSpec describes a catalog for NewCatalog.
//
// In each scope, ranks must agree with powers: a role ranked at or above
// another must hold every permission of it (counting what permissions
// imply), be AllWorkspaces if the other is, and be the owner if the other
// is. Roles of equal rank therefore hold the same powers. This is what
// lets Ceiling compare ranks: whoever may give a role holds all it gives.
type CatalogSpec struct {
	// OrgRoles must hold exactly one Owner role, ranked above all others,
	// and at most one Guest role.
	OrgRoles []RoleDef
	// WorkspaceRoles must hold at least one role; the highest rank is what
	// AllWorkspaces org roles hold in every workspace.
	WorkspaceRoles []RoleDef
	// Permissions are the host's own permissions, beside the built-in ones.
	Permissions []PermissionSpec
	// DefaultOrgRole is given when a request names none; empty means the
	// lowest-ranked non-guest org role.
	DefaultOrgRole Role
}

// Catalog is an immutable set of roles and permissions. It is safe for
// concurrent use. Make one with Default or NewCatalog: a nil or zero
// Catalog defines nothing, and every method says so without panicking
// (Err and the other error results wrap ErrInvalidRole; the rest return
// zero values).
type Catalog struct {
	ok           bool // made by NewCatalog
	org, ws      []RoleDef
	owner, guest int // indexes into org; guest is -1 when there is none
	top          int // index into ws of the highest-ranked workspace role
	def          Role
	names        [MaxPermission + 1]string
	scopes       [MaxPermission + 1]Scope
	byName       map[string]Permission
	grantable    PermSet
}

// Default returns the built-in catalog: org roles owner, admin, member and
// guest; workspace roles admin, contributor_plus, contributor and viewer.
func Default() *Catalog {
	c, err := NewCatalog(defaultSpec())
	if err != nil {
		panic("roles: default catalog: " + err.Error()) // a bug in this file, caught by its tests
	}
	return c
}

func defaultSpec() CatalogSpec {
	admin := orgScope.Without(Grants(PermViewBilling, PermBilling, PermDeleteOrganization))
	contributor := Grants(PermView, PermComment, PermUploadVideo, PermEdit, PermShare, PermViewAnalytics)
	plus := contributor.Union(Grants(PermAdvancedTools, PermLiveEvents))
	return CatalogSpec{
		OrgRoles: []RoleDef{
			{Name: OrgOwner, Rank: 40, Perms: orgScope, Owner: true, AllWorkspaces: true},
			{Name: OrgAdmin, Rank: 30, Perms: admin, AllWorkspaces: true},
			{Name: OrgMember, Rank: 20, Perms: Grants(PermViewMembers)},
			{Name: OrgGuest, Rank: 10, Guest: true},
		},
		WorkspaceRoles: []RoleDef{
			{Name: WorkspaceAdmin, Rank: 40, Perms: workspaceScope},
			{Name: WorkspaceContributorPlus, Rank: 30, Perms: plus},
			{Name: WorkspaceContributor, Rank: 20, Perms: contributor},
			{Name: WorkspaceViewer, Rank: 10, Perms: Grants(PermView, PermComment)},
		},
		DefaultOrgRole: OrgMember,
	}
}

// NewCatalog checks spec and builds a catalog from it. It returns an error
// wrapping ErrInvalidRole when spec is not well formed, among others when
// ranks contradict powers (see CatalogSpec); that error names both roles.
func NewCatalog(spec CatalogSpec) (*Catalog, error) {
	c := &Catalog{owner: -1, guest: -1, top: -1, byName: make(map[string]Permission)}
	for p := Permission(0); p < FirstCustom; p++ {
		if builtinNames[p] == "" {
			continue
		}
		c.names[p] = builtinNames[p]
		c.byName[builtinNames[p]] = p
		c.scopes[p] = ScopeWorkspace
		if orgScope.Has(p) {
			c.scopes[p] = ScopeOrg
		}
	}
	for _, ps := range spec.Permissions {
		switch {
		case ps.Permission < FirstCustom || ps.Permission > MaxPermission:
			return nil, fmt.Errorf("%w: permission %q: bit %d outside %d..%d", ErrInvalidRole, ps.Name, ps.Permission, FirstCustom, MaxPermission)
		case !validName(ps.Name):
			return nil, fmt.Errorf("%w: permission name %q", ErrInvalidRole, ps.Name)
		case ps.Scope != ScopeOrg && ps.Scope != ScopeWorkspace:
			return nil, fmt.Errorf("%w: permission %q: scope must be org or workspace", ErrInvalidRole, ps.Name)
		case c.names[ps.Permission] != "":
			return nil, fmt.Errorf("%w: permission %q: bit %d already used", ErrInvalidRole, ps.Name, ps.Permission)
		}
		if _, dup := c.byName[ps.Name]; dup {
			return nil, fmt.Errorf("%w: permission %q defined twice", ErrInvalidRole, ps.Name)
		}
		c.names[ps.Permission] = ps.Name
		c.scopes[ps.Permission] = ps.Scope
		c.byName[ps.Name] = ps.Permission
	}
	var orgPerms, wsPerms PermSet
	for p, s := range c.scopes {
		switch s {
		case ScopeOrg:
			orgPerms |= 1 << p
		case ScopeWorkspace:
			wsPerms |= 1 << p
		}
	}
	c.grantable = orgPerms

	var err error
	if c.org, err = checkRoles(spec.OrgRoles, ScopeOrg, orgPerms); err != nil {
		return nil, err
	}
	if c.ws, err = checkRoles(spec.WorkspaceRoles, ScopeWorkspace, wsPerms); err != nil {
		return nil, err
	}
	for i, r := range c.org {
		if r.Owner {
			if c.owner >= 0 {
				return nil, fmt.Errorf("%w: two owner roles (%q, %q)", ErrInvalidRole, c.org[c.owner].Name, r.Name)
			}
			c.owner = i
		}
		if r.Guest {
			if c.guest >= 0 {
				return nil, fmt.Errorf("%w: two guest roles (%q, %q)", ErrInvalidRole, c.org[c.guest].Name, r.Name)
			}
			if r.Owner || r.AllWorkspaces {
				return nil, fmt.Errorf("%w: guest role %q cannot be owner or admin of all workspaces", ErrInvalidRole, r.Name)
			}
			c.guest = i
		}
	}
	if c.owner < 0 {
		return nil, fmt.Errorf("%w: no owner role", ErrInvalidRole)
	}
	for i, r := range c.org {
		if i != c.owner && r.Rank >= c.org[c.owner].Rank {
			return nil, fmt.Errorf("%w: role %q must rank below the owner role", ErrInvalidRole, r.Name)
		}
	}
	if err := checkRanks(c.org, ScopeOrg); err != nil {
		return nil, err
	}
	if err := checkRanks(c.ws, ScopeWorkspace); err != nil {
		return nil, err
	}
	for i, r := range c.ws {
		if c.top < 0 || r.Rank > c.ws[c.top].Rank {
			c.top = i
		}
	}
	c.def = spec.DefaultOrgRole
	if c.def == "" {
		low := -1
		for i, r := range c.org {
			if !r.Owner && !r.Guest && (low < 0 || r.Rank < c.org[low].Rank) {
				low = i
			}
		}
		if low < 0 {
			low = c.owner
		}
		c.def = c.org[low].Name
	}
	if find(c.org, c.def) < 0 {
		return nil, fmt.Errorf("%w: default org role %q is not an org role", ErrInvalidRole, clip(string(c.def)))
	}
	c.ok = true
	return c, nil
}

// errUnusable is what a nil or zero Catalog answers.
var errUnusable = fmt.Errorf("%w: not a catalog (make one with roles.Default or roles.NewCatalog)", ErrInvalidRole)

// usable reports whether c was made by NewCatalog.
func (c *Catalog) usable() bool { return c != nil && c.ok }

// Err returns nil for a catalog made by Default or NewCatalog, and an error
// wrapping ErrInvalidRole for a nil or zero Catalog, which defines nothing.
func (c *Catalog) Err() error {
	if !c.usable() {
		return errUnusable
	}
	return nil
}

func checkRoles(defs []RoleDef, scope Scope, allowed PermSet) ([]RoleDef, error) {
	if len(defs) == 0 {
		return nil, fmt.Errorf("%w: no %s roles", ErrInvalidRole, scope)
	}
	out := make([]RoleDef, len(defs))
	for i, r := range defs {
		if !validName(string(r.Name)) {
			return nil, fmt.Errorf("%w: %s role name %q", ErrInvalidRole, scope, r.Name)
		}
		if !allowed.Contains(r.Perms) {
			return nil, fmt.Errorf("%w: %s role %q holds permissions of another scope or undefined ones", ErrInvalidRole, scope, r.Name)
		}
		if scope == ScopeWorkspace && (r.Owner || r.AllWorkspaces || r.Guest) {
			return nil, fmt.Errorf("%w: workspace role %q cannot be owner, guest or all-workspaces", ErrInvalidRole, r.Name)
		}
		for _, prev := range out[:i] {
			if prev.Name == r.Name {
				return nil, fmt.Errorf("%w: %s role %q defined twice", ErrInvalidRole, scope, r.Name)
			}
		}
		r.Scope = scope
		out[i] = r
	}
	return out, nil
}

// checkRanks refuses roles whose ranks contradict their powers, since
// Ceiling lets an actor give and change only what ranks no higher than
// itself: a role ranked at or above another must hold every power of it,
// that is its permissions (with what they imply), AllWorkspaces and Owner.
// Roles of equal rank therefore hold the same powers.
func checkRanks(defs []RoleDef, scope Scope) error {
	for _, a := range defs {
		for _, b := range defs {
			if a.Name == b.Name || a.Rank < b.Rank {
				continue
			}
			var lacks string
			switch missing := implied(b.Perms).Without(implied(a.Perms)); {
			case missing != 0:
				lacks = "its permissions " + missing.String()
			case b.AllWorkspaces && !a.AllWorkspaces:
				lacks = "AllWorkspaces"
			case b.Owner && !a.Owner:
				lacks = "Owner"
			default:
				continue
			}
			return fmt.Errorf("%w: %s role %q (rank %d) ranks at or above %q (rank %d) but lacks %s; rank them the other way or give %q those powers",
				ErrInvalidRole, scope, a.Name, a.Rank, b.Name, b.Rank, lacks, a.Name)
		}
	}
	return nil
}

// validName accepts 1 to 64 bytes of printable ASCII letters, digits, '.',
// '_' and '-'.
func validName(s string) bool {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// OrgRole returns the org role named r, or an error wrapping ErrInvalidRole.
func (c *Catalog) OrgRole(r Role) (RoleDef, error) {
	if !c.usable() {
		return RoleDef{}, errUnusable
	}
	if i := find(c.org, r); i >= 0 {
		return c.org[i], nil
	}
	return RoleDef{}, fmt.Errorf("%w: no organization role %q", ErrInvalidRole, clip(string(r)))
}

// WorkspaceRole returns the workspace role named r, or an error wrapping
// ErrInvalidRole.
func (c *Catalog) WorkspaceRole(r Role) (RoleDef, error) {
	if !c.usable() {
		return RoleDef{}, errUnusable
	}
	if i := find(c.ws, r); i >= 0 {
		return c.ws[i], nil
	}
	return RoleDef{}, fmt.Errorf("%w: no workspace role %q", ErrInvalidRole, clip(string(r)))
}

func find(defs []RoleDef, r Role) int {
	for i := range defs {
		if defs[i].Name == r {
			return i
		}
	}
	return -1
}

// clip keeps error messages short when a caller passes a huge name.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// OrgRoles lists the org roles, as given to NewCatalog (none for a nil or
// zero Catalog).
func (c *Catalog) OrgRoles() []RoleDef {
	if !c.usable() {
		return nil
	}
	return append([]RoleDef(nil), c.org...)
}

// WorkspaceRoles lists the workspace roles, as given to NewCatalog (none
// for a nil or zero Catalog).
func (c *Catalog) WorkspaceRoles() []RoleDef {
	if !c.usable() {
		return nil
	}
	return append([]RoleDef(nil), c.ws...)
}

// Owner returns the owner role; the zero RoleDef for a nil or zero
// Catalog.
func (c *Catalog) Owner() RoleDef {
	if !c.usable() {
		return RoleDef{}
	}
	return c.org[c.owner]
}

// Guest returns the guest role, if the catalog has one.
func (c *Catalog) Guest() (RoleDef, bool) {
	if !c.usable() || c.guest < 0 {
		return RoleDef{}, false
	}
	return c.org[c.guest], true
}

// DefaultOrgRole is the org role given when a request names none; "" for a
// nil or zero Catalog.
func (c *Catalog) DefaultOrgRole() Role {
	if !c.usable() {
		return ""
	}
	return c.def
}

// TopWorkspaceRole is the highest workspace role: what AllWorkspaces org
// roles hold in every workspace. It is the zero RoleDef for a nil or zero
// Catalog.
func (c *Catalog) TopWorkspaceRole() RoleDef {
	if !c.usable() {
		return RoleDef{}
	}
	return c.ws[c.top]
}

// Permission returns the permission named name, or an error wrapping
// ErrInvalidRole.
func (c *Catalog) Permission(name string) (Permission, error) {
	if !c.usable() {
		return 0, errUnusable
	}
	if p, ok := c.byName[name]; ok {
		return p, nil
	}
	return 0, fmt.Errorf("%w: no permission %q", ErrInvalidRole, clip(name))
}

// PermissionName returns the name of p in this catalog, or "" if undefined.
func (c *Catalog) PermissionName(p Permission) string {
	if !c.usable() || !p.Valid() {
		return ""
	}
	return c.names[p]
}

// Grantable is the set of permissions that may be given to a member as extra
// grants: every org-scope permission of the catalog.
func (c *Catalog) Grantable() PermSet {
	if !c.usable() {
		return 0
	}
	return c.grantable
}

// CheckGrants returns an error wrapping ErrInvalidRole if g holds anything
// that is not a grantable permission, or if c is nil or zero.
func (c *Catalog) CheckGrants(g PermSet) error {
	if !c.usable() {
		return errUnusable
	}
	if !c.grantable.Contains(g) {
		return fmt.Errorf("%w: grants %v are not organization permissions of the catalog", ErrInvalidRole, g.Without(c.grantable).Permissions())
	}
	return nil
}

// PermissionScope returns the scope of permission p in this catalog, or an
// error wrapping ErrInvalidRole when the catalog does not define p (an
// out-of-range bit included). It allocates nothing when p is defined.
func (c *Catalog) PermissionScope(p Permission) (Scope, error) {
	if !c.usable() {
		return 0, errUnusable
	}
	if p.Valid() && c.names[p] != "" {
		return c.scopes[p], nil
	}
	return 0, fmt.Errorf("%w: no permission %d", ErrInvalidRole, p)
}
