package roles_test

import (
	"errors"
	"testing"

	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

func TestDefaultCatalogMatchesDesign(t *testing.T) {
	cat := roles.Default()
	var org, ws []roles.Role
	for _, r := range cat.OrgRoles() {
		org = append(org, r.Name)
	}
	for _, r := range cat.WorkspaceRoles() {
		ws = append(ws, r.Name)
	}
	require.Equal(t, []roles.Role{"owner", "admin", "member", "guest"}, org)
	require.Equal(t, []roles.Role{"admin", "contributor_plus", "contributor", "viewer"}, ws)
	require.Equal(t, roles.OrgOwner, cat.Owner().Name)
	g, ok := cat.Guest()
	require.True(t, ok)
	require.Equal(t, roles.OrgGuest, g.Name)
	require.Equal(t, roles.OrgMember, cat.DefaultOrgRole())
	require.Equal(t, roles.WorkspaceAdmin, cat.TopWorkspaceRole().Name)

	owner, _ := cat.OrgRole(roles.OrgOwner)
	admin, _ := cat.OrgRole(roles.OrgAdmin)
	require.True(t, owner.Perms.Has(roles.PermBilling), "owner holds billing")
	require.False(t, admin.Perms.Has(roles.PermBilling), "admin does not hold billing")
	require.True(t, admin.AllWorkspaces && owner.AllWorkspaces)
}

func TestWorkspacePerms(t *testing.T) {
	cat := roles.Default()
	tests := []struct {
		org   roles.Role
		ws    roles.Role
		perm  roles.Permission
		allow bool
	}{
		{roles.OrgMember, roles.WorkspaceViewer, roles.PermView, true},
		{roles.OrgMember, roles.WorkspaceViewer, roles.PermComment, true},
		{roles.OrgMember, roles.WorkspaceViewer, roles.PermUploadVideo, false},
		{roles.OrgMember, roles.WorkspaceContributor, roles.PermUploadVideo, true},
		{roles.OrgMember, roles.WorkspaceContributor, roles.PermViewAnalytics, true},
		{roles.OrgMember, roles.WorkspaceContributor, roles.PermLiveEvents, false},
		{roles.OrgMember, roles.WorkspaceContributorPlus, roles.PermLiveEvents, true},
		{roles.OrgMember, roles.WorkspaceContributorPlus, roles.PermAdvancedTools, true},
		{roles.OrgMember, roles.WorkspaceContributorPlus, roles.PermManagePeople, false},
		{roles.OrgMember, roles.WorkspaceAdmin, roles.PermManagePeople, true},
		{roles.OrgMember, "", roles.PermView, false},
		{roles.OrgGuest, roles.WorkspaceViewer, roles.PermView, true},
		{roles.OrgGuest, "", roles.PermView, false},
		{roles.OrgAdmin, "", roles.PermDelete, true},
		{roles.OrgOwner, "", roles.PermManageFolders, true},
		{"no-such-role", roles.WorkspaceAdmin, roles.PermView, false},
		{roles.OrgMember, "no-such-role", roles.PermView, false},
	}
	for _, tt := range tests {
		got := cat.WorkspacePerms(tt.org, 0, tt.ws).Has(tt.perm)
		require.Equal(t, tt.allow, got, "%s/%s %s", tt.org, tt.ws, tt.perm)
	}
}

func TestCeiling(t *testing.T) {
	cat := roles.Default()
	st := func(r roles.Role, g roles.PermSet) roles.Standing {
		s, err := cat.OrgStanding(r, g)
		require.NoError(t, err)
		return s
	}
	p := func(s roles.Standing) *roles.Standing { return &s }
	billing := roles.Grants(roles.PermBilling)
	tests := []struct {
		name     string
		actor    roles.Standing
		from, to *roles.Standing
		allow    bool
	}{
		{"owner makes owner", st("owner", 0), nil, p(st("owner", 0)), true},
		{"admin makes owner", st("admin", 0), nil, p(st("owner", 0)), false},
		{"admin makes admin", st("admin", 0), nil, p(st("admin", 0)), true},
		{"admin changes admin", st("admin", 0), p(st("admin", 0)), p(st("member", 0)), true},
		{"admin demotes owner", st("admin", 0), p(st("owner", 0)), p(st("admin", 0)), false},
		{"admin removes owner", st("admin", 0), p(st("owner", 0)), nil, false},
		{"admin removes member", st("admin", 0), p(st("member", 0)), nil, true},
		{"admin grants billing", st("admin", 0), p(st("member", 0)), p(st("member", billing)), false},
		{"admin with billing grants billing", st("admin", billing), p(st("member", 0)), p(st("member", billing)), true},
		{"owner grants billing", st("owner", 0), p(st("member", 0)), p(st("member", billing)), true},
		{"member makes member", st("member", 0), nil, p(st("member", 0)), true},
		{"member makes admin", st("member", 0), nil, p(st("admin", 0)), false},
		{"guest makes member", st("guest", 0), nil, p(st("member", 0)), false},
		{"owner removes owner", st("owner", 0), p(st("owner", 0)), nil, true},
	}
	for _, tt := range tests {
		err := roles.Ceiling(tt.actor, tt.from, tt.to)
		if tt.allow {
			require.NoError(t, err, tt.name)
		} else {
			require.ErrorIs(t, err, roles.ErrForbidden, tt.name)
		}
	}
}

func TestWorkspaceCeiling(t *testing.T) {
	cat := roles.Default()
	ws := func(org, w roles.Role) roles.Standing {
		s, err := cat.WorkspaceStanding(org, w)
		require.NoError(t, err)
		return s
	}
	viewer, admin := ws("member", "viewer"), ws("member", "admin")
	require.NoError(t, roles.Ceiling(ws("admin", ""), nil, &admin), "org admin gives workspace admin")
	require.NoError(t, roles.Ceiling(admin, nil, &viewer), "workspace admin gives viewer")
	require.ErrorIs(t, roles.Ceiling(viewer, nil, &admin), roles.ErrForbidden, "viewer gives admin")
	contributor := ws("member", "contributor")
	require.ErrorIs(t, roles.Ceiling(contributor, &admin, &viewer), roles.ErrForbidden, "contributor demotes admin")
	require.Equal(t, roles.Standing{}, ws("member", ""), "no access, no standing")
}

func TestUnknownNamesAreInvalidRole(t *testing.T) {
	cat := roles.Default()
	_, err := cat.OrgRole("superuser")
	require.ErrorIs(t, err, roles.ErrInvalidRole)
	_, err = cat.WorkspaceRole("owner")
	require.ErrorIs(t, err, roles.ErrInvalidRole)
	_, err = cat.Permission("launch.missiles")
	require.ErrorIs(t, err, roles.ErrInvalidRole)
	_, err = cat.OrgStanding("", 0)
	require.ErrorIs(t, err, roles.ErrInvalidRole)
	require.ErrorIs(t, cat.CheckGrants(roles.Grants(roles.PermView)), roles.ErrInvalidRole, "workspace permission as grant")
	require.NoError(t, cat.CheckGrants(roles.Grants(roles.PermBilling, roles.PermAPIAccess, roles.PermInvite)))
	p, err := cat.Permission("upload")
	require.NoError(t, err)
	require.Equal(t, roles.PermUploadVideo, p)
}

func TestNewCatalogRejectsMalformedSpecs(t *testing.T) {
	ok := roles.RoleDef{Name: "owner", Rank: 2, Owner: true}
	ws := []roles.RoleDef{{Name: "editor", Rank: 1, Perms: roles.Grants(roles.PermView)}}
	tests := map[string]roles.CatalogSpec{
		"no org roles":        {WorkspaceRoles: ws},
		"no workspace roles":  {OrgRoles: []roles.RoleDef{ok}},
		"no owner":            {OrgRoles: []roles.RoleDef{{Name: "member", Rank: 1}}, WorkspaceRoles: ws},
		"two owners":          {OrgRoles: []roles.RoleDef{ok, {Name: "boss", Rank: 1, Owner: true}}, WorkspaceRoles: ws},
		"duplicate name":      {OrgRoles: []roles.RoleDef{ok, {Name: "owner", Rank: 1}}, WorkspaceRoles: ws},
		"bad name":            {OrgRoles: []roles.RoleDef{ok, {Name: "a b", Rank: 1}}, WorkspaceRoles: ws},
		"outranks owner":      {OrgRoles: []roles.RoleDef{ok, {Name: "root", Rank: 3}}, WorkspaceRoles: ws},
		"workspace perm org":  {OrgRoles: []roles.RoleDef{{Name: "owner", Rank: 2, Owner: true, Perms: roles.Grants(roles.PermView)}}, WorkspaceRoles: ws},
		"guest all spaces":    {OrgRoles: []roles.RoleDef{ok, {Name: "guest", Rank: 1, Guest: true, AllWorkspaces: true}}, WorkspaceRoles: ws},
		"custom bit builtin":  {OrgRoles: []roles.RoleDef{ok}, WorkspaceRoles: ws, Permissions: []roles.PermissionSpec{{Name: "x", Permission: 3, Scope: roles.ScopeOrg}}},
		"custom bit too high": {OrgRoles: []roles.RoleDef{ok}, WorkspaceRoles: ws, Permissions: []roles.PermissionSpec{{Name: "x", Permission: 64, Scope: roles.ScopeOrg}}},
		"custom dup name":     {OrgRoles: []roles.RoleDef{ok}, WorkspaceRoles: ws, Permissions: []roles.PermissionSpec{{Name: "view", Permission: 40, Scope: roles.ScopeOrg}}},
		"unknown default":     {OrgRoles: []roles.RoleDef{ok}, WorkspaceRoles: ws, DefaultOrgRole: "nobody"},
	}
	for name, spec := range tests {
		_, err := roles.NewCatalog(spec)
		require.True(t, errors.Is(err, roles.ErrInvalidRole), "%s: got %v", name, err)
	}
}

func TestCustomPermissions(t *testing.T) {
	const publish = roles.FirstCustom
	cat, err := roles.NewCatalog(roles.CatalogSpec{
		Permissions: []roles.PermissionSpec{{Name: "publish", Permission: publish, Scope: roles.ScopeWorkspace}},
		OrgRoles:    []roles.RoleDef{{Name: "owner", Rank: 2, Owner: true, AllWorkspaces: true}, {Name: "member", Rank: 1}},
		WorkspaceRoles: []roles.RoleDef{
			{Name: "publisher", Rank: 2, Perms: roles.Grants(roles.PermView, publish)},
			{Name: "viewer", Rank: 1, Perms: roles.Grants(roles.PermView)},
		},
	})
	require.NoError(t, err)
	p, err := cat.Permission("publish")
	require.NoError(t, err)
	require.Equal(t, publish, p)
	require.Equal(t, "publish", cat.PermissionName(publish))
	require.True(t, cat.WorkspacePerms("member", 0, "publisher").Has(publish))
	require.False(t, cat.WorkspacePerms("member", 0, "viewer").Has(publish))
	require.True(t, cat.WorkspacePerms("owner", 0, "").Has(publish), "owner holds the top workspace role")
}

func TestPermSet(t *testing.T) {
	s := roles.Grants(roles.PermView, roles.PermBilling)
	require.True(t, s.Has(roles.PermView))
	require.False(t, s.Has(roles.PermEdit))
	require.Equal(t, 2, s.Len())
	require.Equal(t, []roles.Permission{roles.PermBilling, roles.PermView}, s.Permissions())
	require.True(t, s.Contains(roles.Grants(roles.PermView)))
	require.False(t, roles.Grants(roles.PermView).Contains(s))
	require.Equal(t, "billing.manage,view", s.String())
	require.Equal(t, "perm40", roles.Permission(40).String())
}

func TestWorkspacePermsAllocatesNothing(t *testing.T) {
	cat := roles.Default()
	n := testing.AllocsPerRun(100, func() {
		_ = cat.WorkspacePerms(roles.OrgMember, 0, roles.WorkspaceContributor).Has(roles.PermView)
	})
	require.Zero(t, n)
}
