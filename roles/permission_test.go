package roles_test

import (
	"testing"

	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

func TestOutOfRangePermissionsDoNotAlias(t *testing.T) {
	cat := roles.Default()
	owner := cat.OrgPerms(roles.OrgOwner, 0)
	for p := roles.MaxPermission + 1; p != 0; p++ { // 64 to 255: bits a PermSet cannot hold
		set := roles.Grants(p)
		for q := roles.Permission(0); q <= roles.MaxPermission; q++ {
			require.False(t, set.Has(q), "Grants(%d) reads as %s", p, q)
		}
		require.False(t, owner.Has(p), "owner's set reads %d as %s", p, p&63)
		require.False(t, roles.Grants(p&63).Has(p), "Grants(%d).Has(%d)", p&63, p)
		require.NotZero(t, set, "Grants(%d) must not vanish silently", p)
		require.ErrorIs(t, cat.CheckGrants(set), roles.ErrInvalidRole, "Grants(%d) as grants", p)
		require.ErrorIs(t, cat.CheckGrants(roles.Grants(roles.PermBilling, p)), roles.ErrInvalidRole)
		require.False(t, p.Valid())
		require.Empty(t, cat.PermissionName(p))
		_, err := cat.PermissionScope(p)
		require.ErrorIs(t, err, roles.ErrInvalidRole)
	}
	// Permission(73) is 73&63 = 9 = org.delete once masked.
	require.False(t, roles.Grants(roles.PermDeleteOrganization).Has(73))
	require.False(t, roles.Grants(73).Has(roles.PermDeleteOrganization))
	require.False(t, roles.Grants(73).Contains(roles.Grants(roles.PermDeleteOrganization)))
	require.False(t, owner.Contains(roles.Grants(73)), "nobody holds an out-of-range permission")
}

func TestRolesHoldingOutOfRangePermissionsAreRefused(t *testing.T) {
	_, err := roles.NewCatalog(roles.CatalogSpec{
		OrgRoles:       []roles.RoleDef{{Name: "owner", Rank: 2, Owner: true, Perms: roles.Grants(roles.PermInvite, 73)}},
		WorkspaceRoles: []roles.RoleDef{{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView)}},
	})
	require.ErrorIs(t, err, roles.ErrInvalidRole)
	_, err = roles.NewCatalog(roles.CatalogSpec{
		OrgRoles:       []roles.RoleDef{{Name: "owner", Rank: 2, Owner: true}},
		WorkspaceRoles: []roles.RoleDef{{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView, 80)}},
	})
	require.ErrorIs(t, err, roles.ErrInvalidRole)
}

func TestPermissionScope(t *testing.T) {
	const publish = roles.FirstCustom + 1
	cat, err := roles.NewCatalog(roles.CatalogSpec{
		Permissions:    []roles.PermissionSpec{{Name: "publish", Permission: publish, Scope: roles.ScopeWorkspace}},
		OrgRoles:       []roles.RoleDef{{Name: "owner", Rank: 2, Owner: true, AllWorkspaces: true}},
		WorkspaceRoles: []roles.RoleDef{{Name: "publisher", Rank: 1, Perms: roles.Grants(roles.PermView, publish)}},
	})
	require.NoError(t, err)
	tests := []struct {
		p     roles.Permission
		scope roles.Scope
	}{
		{roles.PermBilling, roles.ScopeOrg},
		{roles.PermInvite, roles.ScopeOrg},
		{roles.PermView, roles.ScopeWorkspace},
		{roles.PermLiveEvents, roles.ScopeWorkspace},
		{publish, roles.ScopeWorkspace},
	}
	for _, tt := range tests {
		s, err := cat.PermissionScope(tt.p)
		require.NoError(t, err, tt.p)
		require.Equal(t, tt.scope, s, tt.p)
	}
	for _, p := range []roles.Permission{12, 15, 27, 31, roles.FirstCustom, roles.MaxPermission, 64, 73, 255} {
		_, err := cat.PermissionScope(p)
		require.ErrorIs(t, err, roles.ErrInvalidRole, "permission %d", p)
	}
}

// Managing billing includes viewing it (one "billing" switch): the rule
// lives in the catalog, so every check and the ceiling agree.
func TestBillingImpliesViewingBilling(t *testing.T) {
	cat := roles.Default()
	billing, view := roles.Grants(roles.PermBilling), roles.Grants(roles.PermViewBilling)
	require.True(t, cat.OrgPerms(roles.OrgMember, billing).Has(roles.PermViewBilling))
	require.True(t, cat.WorkspacePerms(roles.OrgMember, billing, roles.WorkspaceViewer).Has(roles.PermViewBilling))
	require.True(t, cat.WorkspacePerms(roles.OrgAdmin, billing, "").Has(roles.PermViewBilling))
	require.False(t, cat.OrgPerms(roles.OrgMember, view).Has(roles.PermBilling), "viewing does not imply managing")
	require.False(t, cat.OrgPerms(roles.OrgAdmin, 0).Has(roles.PermViewBilling), "admins see no billing by default")

	st, err := cat.OrgStanding(roles.OrgMember, billing)
	require.NoError(t, err)
	require.True(t, st.Perms.Has(roles.PermViewBilling))
	to, err := cat.OrgStanding(roles.OrgMember, view)
	require.NoError(t, err)
	require.NoError(t, roles.Ceiling(st, nil, &to), "who manages billing may let others view it")

	// A custom role holding billing.manage views billing too.
	custom, err := roles.NewCatalog(roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: "owner", Rank: 2, Owner: true, Perms: roles.Grants(roles.PermBilling, roles.PermViewBilling)},
			{Name: "accountant", Rank: 1, Perms: billing},
		},
		WorkspaceRoles: []roles.RoleDef{{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView)}},
	})
	require.NoError(t, err)
	require.True(t, custom.OrgPerms("accountant", 0).Has(roles.PermViewBilling))
}
