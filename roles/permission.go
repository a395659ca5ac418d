package roles

import (
	"math/bits"
	"strconv"
	"strings"
)

// Permission is one capability, identified by its bit in a PermSet. The
// built-in permissions occupy bits below FirstCustom; a host defines its own
// from FirstCustom up (see CatalogSpec). Bits are stored, so a custom
// permission keeps its bit for life.
type Permission uint8

// Organization-scope permissions.
const (
	PermViewMembers        Permission = iota // see the member list
	PermManageMembers                        // add, change and remove members
	PermInvite                               // invite people and create invite links
	PermManageSettings                       // change organization settings
	PermViewBilling                          // see plans and invoices
	PermBilling                              // manage billing: plans, payment, seats; implies PermViewBilling
	PermAPIAccess                            // create and use API keys
	PermViewAudit                            // read the audit trail
	PermManageWorkspaces                     // create, rename and delete workspaces
	PermDeleteOrganization                   // delete the organization
)

// Workspace-scope permissions.
const (
	PermView          Permission = iota + 16 // view content
	PermComment                              // comment on content
	PermUploadVideo                          // upload new content
	PermEdit                                 // edit content
	PermShare                                // share content outside the workspace
	PermDelete                               // delete content
	PermViewAnalytics                        // view analytics
	PermManageFolders                        // create and arrange folders
	PermManagePeople                         // give and remove access to the workspace
	PermAdvancedTools                        // advanced creation tools
	PermLiveEvents                           // run live events
)

// FirstCustom is the first bit a host may use for its own permissions; bits
// FirstCustom through MaxPermission are free.
const (
	FirstCustom   Permission = 32
	MaxPermission Permission = 63
)

// outOfRange is the bit Grants sets for a permission above MaxPermission,
// instead of masking it onto a real one (73 would otherwise read as bit 9,
// org.delete). No catalog defines it, so CheckGrants and NewCatalog refuse
// any set holding it (ErrInvalidRole), and Has never reports it.
const outOfRange Permission = FirstCustom - 1

// builtinNames names the built-in permissions by bit. Custom names live in a
// Catalog.
var builtinNames = [FirstCustom]string{
	PermViewMembers:        "members.view",
	PermManageMembers:      "members.manage",
	PermInvite:             "members.invite",
	PermManageSettings:     "org.settings",
	PermViewBilling:        "billing.view",
	PermBilling:            "billing.manage",
	PermAPIAccess:          "api.access",
	PermViewAudit:          "audit.view",
	PermManageWorkspaces:   "workspaces.manage",
	PermDeleteOrganization: "org.delete",
	PermView:               "view",
	PermComment:            "comment",
	PermUploadVideo:        "upload",
	PermEdit:               "edit",
	PermShare:              "share",
	PermDelete:             "delete",
	PermViewAnalytics:      "analytics.view",
	PermManageFolders:      "folders.manage",
	PermManagePeople:       "people.manage",
	PermAdvancedTools:      "tools.advanced",
	PermLiveEvents:         "live_events",
}

// String returns the built-in name of p, or "perm<N>" for a bit without one
// (custom names are known to their Catalog: Catalog.PermissionName).
func (p Permission) String() string {
	if p < FirstCustom && builtinNames[p] != "" {
		return builtinNames[p]
	}
	if p == outOfRange {
		return "out-of-range"
	}
	return "perm" + strconv.Itoa(int(p))
}

// Valid reports whether p is a bit a catalog may define: at most
// MaxPermission, and not the bit reserved for marking out-of-range
// permissions (FirstCustom-1, which no built-in permission uses).
func (p Permission) Valid() bool { return p <= MaxPermission && p != outOfRange }

// PermSet is a set of permissions as a bit set; membership is one AND.
type PermSet uint64

// Grants returns the set holding exactly ps. A permission that is not Valid
// (above MaxPermission) never aliases a real one: it marks the set with a
// reserved bit that every catalog refuses with ErrInvalidRole.
func Grants(ps ...Permission) PermSet {
	var s PermSet
	for _, p := range ps {
		if !p.Valid() {
			p = outOfRange
		}
		s |= 1 << p
	}
	return s
}

// implied closes s over the implications between permissions, the one
// place they are decided: managing billing includes viewing it. Every set
// a Catalog computes (OrgPerms, WorkspacePerms, standings) goes through it,
// so a check and the ceiling agree on what a holder has.
func implied(s PermSet) PermSet {
	if s&(1<<PermBilling) != 0 {
		s |= 1 << PermViewBilling
	}
	return s
}

// Has reports whether s holds p; never for a permission that is not Valid.
func (s PermSet) Has(p Permission) bool { return p.Valid() && s&(1<<p) != 0 }

// Contains reports whether s holds every permission of o.
func (s PermSet) Contains(o PermSet) bool { return o&^s == 0 }

// Union returns the permissions in s or o.
func (s PermSet) Union(o PermSet) PermSet { return s | o }

// Without returns s less the permissions of o.
func (s PermSet) Without(o PermSet) PermSet { return s &^ o }

// Len returns the number of permissions in s.
func (s PermSet) Len() int { return bits.OnesCount64(uint64(s)) }

// Permissions lists the members of s in bit order.
func (s PermSet) Permissions() []Permission {
	out := make([]Permission, 0, s.Len())
	for v := uint64(s); v != 0; v &= v - 1 {
		out = append(out, Permission(bits.TrailingZeros64(v)))
	}
	return out
}

// String lists the built-in names of s, comma-separated.
func (s PermSet) String() string {
	names := make([]string, 0, s.Len())
	for _, p := range s.Permissions() {
		names = append(names, p.String())
	}
	return strings.Join(names, ",")
}

// orgScope and workspaceScope hold every built-in permission of each scope.
const (
	orgScope       PermSet = 1<<(PermDeleteOrganization+1) - 1
	workspaceScope PermSet = (1<<(PermLiveEvents+1) - 1) &^ (1<<PermView - 1)
)
