package roles_test

import (
	"testing"

	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

// A nil or zero Catalog is not a catalog: every method answers without
// panicking, with an error wrapping ErrInvalidRole or a zero value.
func TestUnusableCatalogsNeverPanic(t *testing.T) {
	require.NoError(t, roles.Default().Err())
	for name, cat := range map[string]*roles.Catalog{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, cat.Err(), roles.ErrInvalidRole)
			_, err := cat.OrgRole(roles.OrgOwner)
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			_, err = cat.WorkspaceRole(roles.WorkspaceViewer)
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			_, err = cat.Permission("view")
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			_, err = cat.PermissionScope(roles.PermView)
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			require.ErrorIs(t, cat.CheckGrants(0), roles.ErrInvalidRole)
			_, err = cat.OrgStanding(roles.OrgOwner, 0)
			require.ErrorIs(t, err, roles.ErrInvalidRole)
			_, err = cat.WorkspaceStanding(roles.OrgOwner, roles.WorkspaceAdmin)
			require.ErrorIs(t, err, roles.ErrInvalidRole)

			require.Empty(t, cat.OrgRoles())
			require.Empty(t, cat.WorkspaceRoles())
			require.Equal(t, roles.RoleDef{}, cat.Owner())
			g, ok := cat.Guest()
			require.False(t, ok)
			require.Equal(t, roles.RoleDef{}, g)
			require.Equal(t, roles.Role(""), cat.DefaultOrgRole())
			require.Equal(t, roles.RoleDef{}, cat.TopWorkspaceRole())
			require.Empty(t, cat.PermissionName(roles.PermView))
			require.Zero(t, cat.Grantable())
			require.Zero(t, cat.WorkspacePerms(roles.OrgOwner, roles.Grants(roles.PermBilling), roles.WorkspaceAdmin))
			require.Zero(t, cat.OrgPerms(roles.OrgOwner, roles.Grants(roles.PermBilling)))
		})
	}
}
