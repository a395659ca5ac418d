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
