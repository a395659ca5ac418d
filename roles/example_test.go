package roles_test

import (
	"errors"
	"fmt"

	"github.com/rosterkit/roster/roles"
)

func Example() {
	cat := roles.Default()

	// What a contributor may do in a workspace.
	perms := cat.WorkspacePerms(roles.OrgMember, 0, roles.WorkspaceContributor)
	fmt.Println("contributor uploads:", perms.Has(roles.PermUploadVideo))
	fmt.Println("contributor deletes:", perms.Has(roles.PermDelete))

	// Admins administer every workspace without an access row.
	admin := cat.WorkspacePerms(roles.OrgAdmin, 0, "")
	fmt.Println("admin manages people:", admin.Has(roles.PermManagePeople))

	// An admin cannot make an owner.
	actor, _ := cat.OrgStanding(roles.OrgAdmin, 0)
	owner, _ := cat.OrgStanding(roles.OrgOwner, 0)
	err := roles.Ceiling(actor, nil, &owner)
	fmt.Println("admin makes owner:", errors.Is(err, roles.ErrForbidden))
	// Output:
	// contributor uploads: true
	// contributor deletes: false
	// admin manages people: true
	// admin makes owner: true
}

func ExampleNewCatalog() {
	// A two-role account: the owner, and contributors who upload.
	cat, err := roles.NewCatalog(roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: "owner", Rank: 2, Perms: roles.Grants(roles.PermManageMembers, roles.PermInvite), Owner: true, AllWorkspaces: true},
			{Name: "contributor", Rank: 1},
		},
		WorkspaceRoles: []roles.RoleDef{
			{Name: "editor", Rank: 1, Perms: roles.Grants(roles.PermView, roles.PermUploadVideo)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cat.DefaultOrgRole(), cat.TopWorkspaceRole().Name)
	// Output: contributor editor
}

func ExampleNewCatalog_ranksMustAgreeWithPowers() {
	// A "lead" ranked above a "supervisor" who administers every workspace
	// could make supervisors without being one: the catalog is refused.
	_, err := roles.NewCatalog(roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: "owner", Rank: 3, Owner: true, AllWorkspaces: true},
			{Name: "lead", Rank: 2},
			{Name: "supervisor", Rank: 1, AllWorkspaces: true},
		},
		WorkspaceRoles: []roles.RoleDef{{Name: "editor", Rank: 1, Perms: roles.Grants(roles.PermView)}},
	})
	fmt.Println(errors.Is(err, roles.ErrInvalidRole))
	fmt.Println(err)
	// Output:
	// true
	// roster: invalid role: org role "lead" (rank 2) ranks at or above "supervisor" (rank 1) but lacks AllWorkspaces; rank them the other way or give "lead" those powers
}
