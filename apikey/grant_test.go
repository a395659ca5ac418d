package apikey_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

// grantWorld is w with ada, an admin (API access by role), and a second
// workspace, Sales (its ID returned), where ann has no access.
func grantWorld(t *testing.T) (*world, uuid.UUID) {
	t.Helper()
	w := newWorld(t)
	ctx := context.Background()
	sales, err := w.m.CreateWorkspace(ctx, "owner", w.org.ID, "Sales")
	require.NoError(t, err)
	_, err = w.m.AddMember(ctx, "owner", w.org.ID, membership.NewMember{UserID: "ada", Email: "ada@acme.test", Role: roles.OrgAdmin})
	require.NoError(t, err)
	return w, sales.ID
}

// principal authenticates a new key of user narrowed to sc.
func (w *world) principal(t *testing.T, user string, sc apikey.Scope) apikey.Principal {
	t.Helper()
	p, err := w.ks.Authenticate(context.Background(), w.key(t, user, sc).Secret)
	require.NoError(t, err)
	return p
}

// TestAKeyGivesNothingItDoesNotHold is the matrix of AuthorizeGrant: keys
// of ada (admin) and ann (a member, contributor in Marketing, API access
// by grant), with and without a narrowed scope, giving org roles, grants
// and workspace roles. Each is allowed, refused as the member's session
// would be (ErrForbidden), or refused by the key's scope (ErrOutOfScope),
// and each refusal is audited.
func TestAKeyGivesNothingItDoesNotHold(t *testing.T) {
	w, sales := grantWorld(t)
	mkt := w.ws.ID
	g := roles.Grants
	view := []roles.Permission{roles.PermView, roles.PermComment}
	adminOrg := w.m.Roles().OrgPerms(roles.OrgAdmin, 0)
	keys := map[string]apikey.Principal{
		"ada":               w.principal(t, "ada", apikey.Scope{}),
		"ada invite":        w.principal(t, "ada", apikey.Scope{Perms: g(roles.PermInvite)}),
		"ada inviter":       w.principal(t, "ada", apikey.Scope{Perms: g(roles.PermInvite, roles.PermViewMembers)}),
		"ada inviter+view":  w.principal(t, "ada", apikey.Scope{Perms: g(append(view, roles.PermInvite, roles.PermViewMembers)...)}),
		"ada org only":      w.principal(t, "ada", apikey.Scope{Perms: adminOrg}),
		"ada marketing":     w.principal(t, "ada", apikey.Scope{Workspace: mkt}),
		"ada mkt people":    w.principal(t, "ada", apikey.Scope{Workspace: mkt, Perms: g(append(view, roles.PermManagePeople)...)}),
		"ann":               w.principal(t, "ann", apikey.Scope{}),
		"ann view-members":  w.principal(t, "ann", apikey.Scope{Perms: g(roles.PermViewMembers)}),
		"ann mkt uploading": w.principal(t, "ann", apikey.Scope{Workspace: mkt, Perms: g(roles.PermUploadVideo)}),
	}
	member := func(ws ...any) apikey.Grant {
		gr := apikey.Grant{Role: roles.OrgMember}
		for i := 0; i+1 < len(ws); i += 2 {
			if gr.Workspaces == nil {
				gr.Workspaces = map[uuid.UUID]roles.Role{}
			}
			gr.Workspaces[ws[i].(uuid.UUID)] = ws[i+1].(roles.Role)
		}
		return gr
	}
	role := func(r roles.Role) apikey.Grant { return apikey.Grant{Role: r} }
	grants := func(ps ...roles.Permission) apikey.Grant { return apikey.Grant{Grants: g(ps...)} }
	access := func(ws uuid.UUID, r roles.Role) apikey.Grant {
		return apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{ws: r}}
	}
	forbidden, scope := apikey.ErrForbidden, apikey.ErrOutOfScope
	cases := []struct {
		key  string
		give apikey.Grant
		want error
	}{
		// A key with the zero Scope gives what its member may.
		{"ada", member(mkt, roles.WorkspaceContributor), nil},
		{"ada", role(roles.OrgAdmin), nil},
		{"ada", role(roles.OrgOwner), forbidden},
		{"ada", grants(roles.PermBilling), forbidden},
		{"ada", apikey.Grant{Role: roles.OrgMember, Grants: g(roles.PermInvite)}, nil},
		{"ann", member(mkt, roles.WorkspaceContributor), nil},
		{"ann", member(mkt, roles.WorkspaceContributorPlus), forbidden},
		{"ann", member(sales, roles.WorkspaceViewer), forbidden},
		{"ann", role(roles.OrgAdmin), forbidden},
		// Narrowed to members.invite: the member role holds members.view,
		// which the key does not; the guest role holds nothing.
		{"ada invite", member(), scope},
		{"ada invite", role(roles.OrgGuest), nil},
		{"ada invite", role(roles.OrgAdmin), scope},
		{"ada invite", grants(roles.PermInvite), nil},
		{"ada invite", grants(roles.PermManageMembers), scope},
		{"ada inviter", member(), nil},
		{"ada inviter", member(mkt, roles.WorkspaceViewer), scope},
		{"ada inviter", role(roles.OrgAdmin), scope},
		{"ada inviter", apikey.Grant{Role: roles.OrgMember, Grants: g(roles.PermInvite)}, nil},
		{"ada inviter", apikey.Grant{Role: roles.OrgMember, Grants: g(roles.PermViewAudit)}, scope},
		{"ada inviter", apikey.Grant{Role: roles.OrgMember, Grants: g(roles.PermBilling)}, forbidden},
		{"ada inviter+view", member(mkt, roles.WorkspaceViewer, sales, roles.WorkspaceViewer), nil},
		{"ada inviter+view", member(mkt, roles.WorkspaceViewer, sales, roles.WorkspaceContributor), scope},
		// Every organization permission of an admin, but no workspace
		// one: an admin is admin of every workspace, which the key is not.
		{"ada org only", role(roles.OrgAdmin), scope},
		{"ada org only", member(), nil},
		{"ada org only", grants(roles.PermManageMembers, roles.PermInvite), nil},
		// Narrowed to a workspace: roles there, nothing elsewhere, no
		// organization permission.
		{"ada marketing", access(mkt, roles.WorkspaceAdmin), nil},
		{"ada marketing", access(sales, roles.WorkspaceViewer), scope},
		{"ada marketing", member(mkt, roles.WorkspaceViewer), scope},
		{"ada marketing", role(roles.OrgGuest), nil},
		{"ada marketing", role(roles.OrgAdmin), scope},
		{"ada mkt people", access(mkt, roles.WorkspaceViewer), nil},
		{"ada mkt people", access(mkt, roles.WorkspaceContributor), scope},
		{"ann view-members", member(), nil},
		{"ann view-members", member(mkt, roles.WorkspaceViewer), scope},
		{"ann mkt uploading", access(mkt, roles.WorkspaceViewer), scope},
		{"ann mkt uploading", access(sales, roles.WorkspaceViewer), forbidden},
	}
	ctx := context.Background()
	for _, c := range cases {
		before := len(usedEvents(t, w))
		err := w.ks.AuthorizeGrant(ctx, keys[c.key], c.give)
		msg := fmt.Sprintf("%s gives %+v", c.key, c.give)
		if c.want == nil {
			require.NoError(t, err, msg)
			require.Len(t, usedEvents(t, w), before, "an allowed grant is not audited")
			continue
		}
		require.ErrorIs(t, err, c.want, msg)
		require.ErrorIs(t, err, apikey.ErrForbidden, msg)
		if c.want == forbidden {
			require.False(t, errors.Is(err, scope), "%s: the member may not, whatever the scope", msg)
		}
		ev := usedEvents(t, w)
		require.Len(t, ev, before+1, msg)
		last := ev[len(ev)-1]
		require.True(t, last.Denied)
		require.Equal(t, membership.CodeOf(err), last.Reason)
		require.Equal(t, keys[c.key].KeyID.String(), last.Target)
		require.Equal(t, keys[c.key].UserID, last.Actor)
	}
}

// TestAKeyGivingSeveralGrantsHoldsEachOfThem: one refused grant among
// several refuses them all, as bulk role changes need.
func TestAKeyGivingSeveralGrantsHoldsEachOfThem(t *testing.T) {
	w, _ := grantWorld(t)
	ctx := context.Background()
	p := w.principal(t, "ada", apikey.Scope{Perms: roles.Grants(roles.PermManageMembers, roles.PermViewMembers)})
	require.NoError(t, w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgMember}, apikey.Grant{Role: roles.OrgGuest}))
	require.NoError(t, w.ks.AuthorizeGrant(ctx, p), "giving nothing")
	err := w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgMember}, apikey.Grant{Role: roles.OrgAdmin})
	require.ErrorIs(t, err, apikey.ErrOutOfScope)
	require.Contains(t, err.Error(), "at organization scope")
}

// TestAZeroScopeKeyGivesWhatItsMemberMay checks that a key narrowed by
// nothing refuses nothing its member's session may give: for every org
// role and workspace role, if AuthorizeGrant refuses, so does AddMember
// as the member.
func TestAZeroScopeKeyGivesWhatItsMemberMay(t *testing.T) {
	w, sales := grantWorld(t)
	ctx := context.Background()
	cat := w.m.Roles()
	n := 0
	for _, user := range []string{"ada", "owner"} {
		p := w.principal(t, user, apikey.Scope{})
		for _, or := range cat.OrgRoles() {
			for _, wr := range append(cat.WorkspaceRoles(), roles.RoleDef{}) {
				for _, gr := range []roles.PermSet{0, roles.Grants(roles.PermInvite), roles.Grants(roles.PermBilling)} {
					give := apikey.Grant{Role: or.Name, Grants: gr}
					if wr.Name != "" {
						give.Workspaces = map[uuid.UUID]roles.Role{w.ws.ID: wr.Name, sales: wr.Name}
					}
					keyErr := w.ks.AuthorizeGrant(ctx, p, give)
					n++
					_, sessErr := w.m.AddMember(ctx, user, w.org.ID, membership.NewMember{UserID: fmt.Sprint("u", n),
						Email: fmt.Sprintf("u%d@acme.test", n), Role: give.Role, Grants: give.Grants, Workspaces: give.Workspaces})
					if sessErr == nil {
						require.NoError(t, keyErr, "%s gives %+v", user, give)
					}
					require.False(t, errors.Is(keyErr, apikey.ErrOutOfScope), "a zero scope narrows nothing")
				}
			}
		}
	}
}

func TestAuthorizeGrantRefusesWhatNoCheckCouldAnswer(t *testing.T) {
	w, _ := grantWorld(t)
	ctx := context.Background()
	p := w.principal(t, "ada", apikey.Scope{Perms: roles.Grants(roles.PermInvite)})
	for _, c := range []struct {
		give apikey.Grant
		want error
	}{
		{apikey.Grant{Role: "emperor"}, apikey.ErrInvalidRole},
		{apikey.Grant{Grants: roles.Grants(roles.PermUploadVideo)}, apikey.ErrInvalidRole}, // not an org permission
		{apikey.Grant{Grants: roles.Grants(roles.FirstCustom)}, apikey.ErrInvalidRole},
		{apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{w.ws.ID: "janitor"}}, apikey.ErrInvalidRole},
		{apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{uuid.Nil: roles.WorkspaceViewer}}, apikey.ErrInvalidInput},
		{apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{uuid.New(): roles.WorkspaceViewer}}, apikey.ErrNotFound},
	} {
		require.ErrorIs(t, w.ks.AuthorizeGrant(ctx, p, c.give), c.want, "%+v", c.give)
	}
	// A workspace of another organization is not found either.
	o, err := w.m.CreateOrganization(ctx, "ada", membership.NewOrganization{Name: "Else", Slug: "else", OwnerEmail: "ada@else.test"})
	require.NoError(t, err)
	elsewhere, err := w.m.CreateWorkspace(ctx, "ada", o.ID, "Theirs")
	require.NoError(t, err)
	full := w.principal(t, "ada", apikey.Scope{})
	err = w.ks.AuthorizeGrant(ctx, full, apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{elsewhere.ID: roles.WorkspaceViewer}})
	require.ErrorIs(t, err, apikey.ErrNotFound)

	require.ErrorIs(t, w.ks.AuthorizeGrant(ctx, apikey.Principal{OrgID: w.org.ID, UserID: "ada"}, apikey.Grant{}), apikey.ErrForbidden)
	var zero *apikey.Service
	require.ErrorIs(t, zero.AuthorizeGrant(ctx, p), apikey.ErrInvalidOptions)
	var noCtx context.Context
	require.ErrorIs(t, w.ks.AuthorizeGrant(noCtx, p), apikey.ErrInvalidInput)
	require.Empty(t, usedEvents(t, w), "no refusal of these is audited")
}

// TestAuthorizeGrantFollowsTheMemberAtOnce: a demoted member's key gives
// what the member now may; without API access it gives nothing.
func TestAuthorizeGrantFollowsTheMemberAtOnce(t *testing.T) {
	w, _ := grantWorld(t)
	ctx := context.Background()
	p := w.principal(t, "ada", apikey.Scope{})
	require.NoError(t, w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgAdmin}))
	_, err := w.m.SetGrants(ctx, "owner", w.org.ID, "ada", roles.Grants(roles.PermAPIAccess, roles.PermInvite))
	require.NoError(t, err)
	_, err = w.m.ChangeRole(ctx, "owner", w.org.ID, "ada", roles.OrgMember)
	require.NoError(t, err)
	require.ErrorIs(t, w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgAdmin}), apikey.ErrForbidden)
	require.NoError(t, w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgMember}))
	_, err = w.m.SetGrants(ctx, "owner", w.org.ID, "ada", roles.Grants(roles.PermInvite))
	require.NoError(t, err)
	err = w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgGuest})
	require.ErrorIs(t, err, apikey.ErrForbidden)
	require.Contains(t, err.Error(), "API access")
}
