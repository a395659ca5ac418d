package roles_test

import (
	"testing"

	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

// leadSpec is a catalog with an ordinary "lead" who manages members and an
// all-workspaces "supervisor", ranked as given.
func leadSpec(lead, supervisor int) roles.CatalogSpec {
	manage := roles.Grants(roles.PermViewMembers, roles.PermManageMembers, roles.PermInvite)
	return roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: "owner", Rank: 50, Owner: true, AllWorkspaces: true, Perms: manage},
			{Name: "lead", Rank: lead, Perms: manage},
			{Name: "supervisor", Rank: supervisor, AllWorkspaces: true, Perms: manage},
			{Name: "member", Rank: 10, Perms: roles.Grants(roles.PermViewMembers)},
		},
		WorkspaceRoles: []roles.RoleDef{
			{Name: "admin", Rank: 2, Perms: roles.Grants(roles.PermView, roles.PermManagePeople)},
			{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView)},
		},
	}
}

func TestNewCatalogRefusesRanksThatContradictPowers(t *testing.T) {
	ws := []roles.RoleDef{{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView)}}
	owner := roles.RoleDef{Name: "owner", Rank: 9, Owner: true, AllWorkspaces: true,
		Perms: roles.Grants(roles.PermInvite, roles.PermManageMembers, roles.PermBilling, roles.PermAPIAccess)}
	tests := []struct {
		name  string
		spec  roles.CatalogSpec
		names []string // named in the error; none when the spec is fine
	}{
		{"OrdinaryRoleAboveAllWorkspacesRole", leadSpec(30, 20), []string{`"lead"`, `"supervisor"`, "AllWorkspaces"}},
		{"OrdinaryRoleLevelWithAllWorkspacesRole", leadSpec(20, 20), []string{`"lead"`, `"supervisor"`, "AllWorkspaces"}},
		{"AllWorkspacesRoleAboveOrdinaryRole", leadSpec(20, 30), nil},
		{"HigherRoleLacksAPermissionOfALowerOne", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner,
			{Name: "manager", Rank: 5, Perms: roles.Grants(roles.PermInvite)},
			{Name: "developer", Rank: 3, Perms: roles.Grants(roles.PermAPIAccess)},
		}, WorkspaceRoles: ws}, []string{`"manager"`, `"developer"`, "api.access"}},
		{"EqualRanksWithDifferentPermissions", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner,
			{Name: "billing", Rank: 5, Perms: roles.Grants(roles.PermBilling)},
			{Name: "developer", Rank: 5, Perms: roles.Grants(roles.PermAPIAccess)},
		}, WorkspaceRoles: ws}, []string{`"billing"`, `"developer"`}},
		{"EqualRanksWithTheSamePowers", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner,
			{Name: "staff", Rank: 5, Perms: roles.Grants(roles.PermInvite)},
			{Name: "employee", Rank: 5, Perms: roles.Grants(roles.PermInvite)},
		}, WorkspaceRoles: ws}, nil},
		{"OwnerLacksAPermissionOfAnotherRole", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner,
			{Name: "auditor", Rank: 5, Perms: roles.Grants(roles.PermViewAudit)},
		}, WorkspaceRoles: ws}, []string{`"owner"`, `"auditor"`, "audit.view"}},
		{"OwnerLacksAllWorkspacesOfAnotherRole", roles.CatalogSpec{OrgRoles: []roles.RoleDef{
			{Name: "owner", Rank: 9, Owner: true},
			{Name: "admin", Rank: 5, AllWorkspaces: true},
		}, WorkspaceRoles: ws}, []string{`"owner"`, `"admin"`}},
		{"ImpliedPermissionsCount", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner,
			{Name: "accountant", Rank: 5, Perms: roles.Grants(roles.PermBilling)},
			{Name: "viewer", Rank: 3, Perms: roles.Grants(roles.PermViewBilling)},
		}, WorkspaceRoles: ws}, nil},
		{"HigherWorkspaceRoleLacksAPermission", roles.CatalogSpec{OrgRoles: []roles.RoleDef{owner}, WorkspaceRoles: []roles.RoleDef{
			{Name: "editor", Rank: 2, Perms: roles.Grants(roles.PermView, roles.PermEdit)},
			{Name: "uploader", Rank: 1, Perms: roles.Grants(roles.PermView, roles.PermUploadVideo)},
		}}, []string{"workspace", `"editor"`, `"uploader"`, "upload"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := roles.NewCatalog(tt.spec)
			if tt.names == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			for _, n := range tt.names {
				require.ErrorContains(t, err, n)
			}
		})
	}
}

func TestCeilingWeighsAllWorkspaces(t *testing.T) {
	perms := roles.Grants(roles.PermManageMembers)
	lead := roles.Standing{Rank: 30, Perms: perms}
	supervisor := roles.Standing{Rank: 20, Perms: perms, AllWorkspaces: true}
	member := roles.Standing{Rank: 10}
	require.ErrorIs(t, roles.Ceiling(lead, nil, &supervisor), roles.ErrForbidden, "lead makes a supervisor")
	require.ErrorIs(t, roles.Ceiling(lead, &lead, &supervisor), roles.ErrForbidden, "lead becomes a supervisor")
	require.ErrorIs(t, roles.Ceiling(lead, &supervisor, &member), roles.ErrForbidden, "lead demotes a supervisor")
	require.ErrorIs(t, roles.Ceiling(lead, &supervisor, nil), roles.ErrForbidden, "lead removes a supervisor")
	require.NoError(t, roles.Ceiling(lead, &member, &lead), "lead makes a lead")
	boss := roles.Standing{Rank: 40, Perms: perms, AllWorkspaces: true}
	require.NoError(t, roles.Ceiling(boss, &member, &supervisor), "an all-workspaces actor makes a supervisor")
	require.NoError(t, roles.Ceiling(boss, &supervisor, nil))

	cat := roles.Default()
	admin, err := cat.OrgStanding(roles.OrgAdmin, 0)
	require.NoError(t, err)
	require.True(t, admin.AllWorkspaces)
	m, err := cat.OrgStanding(roles.OrgMember, roles.Grants(roles.PermManageMembers))
	require.NoError(t, err)
	require.False(t, m.AllWorkspaces)
	w, err := cat.WorkspaceStanding(roles.OrgAdmin, "")
	require.NoError(t, err)
	require.True(t, w.AllWorkspaces)
}
