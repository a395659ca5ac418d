package rosterhttp_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/rosterkit/roster/storage"
	"github.com/stretchr/testify/require"
)

// given describes what Acme gives: its members with their roles, grants
// and workspace roles, its pending invitations and its links, read as
// its owner.
func given(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ms, _, err := f.ms.Members(ctx, "ann", f.acme.ID, membership.MemberFilter{}, storage.Page{Limit: 500})
	require.NoError(t, err)
	for _, m := range ms {
		access, err := f.ms.MemberAccess(ctx, "ann", f.acme.ID, m.UserID)
		require.NoError(t, err)
		fmt.Fprintf(&b, "member %s %s %v %v\n", m.UserID, m.Role, m.Grants, access)
	}
	invs, _, err := f.iv.Invitations(ctx, "ann", f.acme.ID, invite.InvitationFilter{Statuses: invite.Pending()}, storage.Page{Limit: 500})
	require.NoError(t, err)
	for _, inv := range invs {
		fmt.Fprintf(&b, "invitation %s %s %v %v\n", inv.Email, inv.Role, inv.Grants, inv.Workspaces)
	}
	ls, _, err := f.iv.Links(ctx, "ann", f.acme.ID, storage.Page{Limit: 500})
	require.NoError(t, err)
	for _, l := range ls {
		fmt.Fprintf(&b, "link %s %s %v\n", l.ID, l.Role, l.Workspaces)
	}
	return b.String()
}

// TestANarrowedKeyGivesNothingBeyondItsScope walks every route that gives
// someone a role, grants or workspace roles, through keys of ada (an
// admin) narrowed to less than she holds (ada-invite: members.invite;
// ada-inviter: members.invite, members.view, and view and comment;
// ada-manager: members.manage and members.view; ada-people:
// people.manage, view and comment in Marketing). Giving what the key does
// not hold is 403 api_key_scope, audited, and changes nothing; giving
// within it succeeds. Each case runs on a fresh fixture, where bob, a
// member, was first made an admin by ann's session when prep says so.
func TestANarrowedKeyGivesNothingBeyondItsScope(t *testing.T) {
	const (
		invitations = "/roster/api/orgs/{acme}/invitations"
		links       = "/roster/api/orgs/{acme}/links"
	)
	cases := []struct {
		name         string
		key          string
		method, path string
		body         string
		status       int
		bobAdmin     bool
	}{
		// Invitations: the default role is the member role, which holds
		// members.view.
		{"invite a member with members.invite only", "ada-invite", "POST", invitations, `{"emails":"dan@acme.com"}`, 403, false},
		{"invite an admin", "ada-invite", "POST", invitations, `{"emails":"dan@acme.com","role":"admin"}`, 403, false},
		{"invite a member", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com"}`, 201, false},
		{"invite an admin holding every permission of a member", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com","role":"admin"}`, 403, false},
		{"invite with a grant beyond the key", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com","grants":["audit.view"]}`, 403, false},
		{"invite with a grant within the key", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com","grants":["members.invite"]}`, 201, false},
		{"invite a contributor", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com","workspaces":{"{ws}":"contributor"}}`, 403, false},
		{"invite a viewer", "ada-inviter", "POST", invitations, `{"emails":"dan@acme.com","workspaces":{"{ws}":"viewer"}}`, 201, false},
		// Updating an invitation: what the update sets.
		{"update an invitation to admin", "ada-inviter", "PATCH", invitations + "/{inv}", `{"role":"admin"}`, 403, false},
		{"update an invitation's grants beyond the key", "ada-inviter", "PATCH", invitations + "/{inv}", `{"grants":["members.manage"]}`, 403, false},
		{"update an invitation to a contributor", "ada-inviter", "PATCH", invitations + "/{inv}", `{"workspaces":{"{ws}":"contributor"}}`, 403, false},
		{"update an invitation to a viewer", "ada-inviter", "PATCH", invitations + "/{inv}", `{"workspaces":{"{ws}":"viewer"}}`, 200, false},
		// Links.
		{"create a member link with members.invite only", "ada-invite", "POST", links, `{}`, 403, false},
		{"create an admin link", "ada-inviter", "POST", links, `{"role":"admin"}`, 403, false},
		{"create a contributor link", "ada-inviter", "POST", links, `{"workspaces":{"{ws}":"contributor"}}`, 403, false},
		{"create a member link", "ada-inviter", "POST", links, `{"workspaces":{"{ws}":"viewer"}}`, 201, false},
		// Role changes.
		{"promote to admin", "ada-manager", "PUT", membersPath + "/bob/role", `{"role":"admin"}`, 403, false},
		{"demote to member", "ada-manager", "PUT", membersPath + "/bob/role", `{"role":"member"}`, 200, true},
		{"promote in bulk", "ada-manager", "POST", membersPath + "/bulk-role", `{"changes":[{"user_id":"gus","role":"guest"},{"user_id":"bob","role":"admin"}]}`, 403, false},
		{"demote in bulk", "ada-manager", "POST", membersPath + "/bulk-role", `{"changes":[{"user_id":"bob","role":"member"}]}`, 200, true},
		// Grants.
		{"grant beyond the key", "ada-manager", "PUT", membersPath + "/bob/grants", `{"grants":["members.invite"]}`, 403, false},
		{"grant within the key", "ada-manager", "PUT", membersPath + "/bob/grants", `{"grants":["members.view"]}`, 200, false},
		// Workspace access.
		{"give a workspace role beyond the key", "ada-people", "PUT", membersPath + "/gus/workspaces/{ws}", `{"role":"contributor"}`, 403, false},
		{"give a workspace role within the key", "ada-people", "PUT", membersPath + "/gus/workspaces/{ws}", `{"role":"viewer"}`, 200, false},
		{"give a workspace role with no workspace permission", "ada-manager", "PUT", membersPath + "/bob/workspaces/{ws}", `{"role":"viewer"}`, 403, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if c.bobAdmin {
				require.Equal(t, 200, f.call(t, "ann", "PUT", membersPath+"/bob/role", `{"role":"admin"}`).Code)
			}
			before := given(t, f)
			w := f.call(t, c.key, c.method, c.path, c.body)
			require.Equal(t, c.status, w.Code, w.Body.String())
			ev, _, err := f.ms.Audit(context.Background(), "ann", f.acme.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{})
			require.NoError(t, err)
			if c.status != 403 {
				require.NotEqual(t, before, given(t, f), "the grant was made")
				require.Empty(t, ev)
				return
			}
			require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)
			require.Equal(t, before, given(t, f), "nothing changed")
			require.Len(t, ev, 1)
			require.True(t, ev[0].Denied)
			require.Equal(t, membership.CodeAPIKeyScope, ev[0].Reason)
			require.Equal(t, f.keyIDs[c.key].String(), ev[0].Target)
		})
	}
}

// TestAKeyNarrowedByNothingIsLeftToTheLibrarysCeiling: a key with the
// zero Scope holds what its member holds, so the library refuses what it
// may not give, as for the member's session, with its own audit event.
func TestAKeyNarrowedByNothingIsLeftToTheLibrarysCeiling(t *testing.T) {
	f := newFixture(t)
	before := given(t, f)
	w := f.call(t, "ada-key", "PUT", membersPath+"/bob/role", `{"role":"owner"}`)
	require.Equal(t, 403, w.Code, w.Body.String())
	require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code)
	require.Equal(t, before, given(t, f))
	ctx := context.Background()
	ev, _, err := f.ms.Audit(ctx, "ann", f.acme.ID, membership.AuditFilter{Action: membership.EventRoleChanged}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, ev, 1)
	require.True(t, ev[0].Denied)
	ev, _, err = f.ms.Audit(ctx, "ann", f.acme.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{})
	require.NoError(t, err)
	require.Empty(t, ev)
}

// TestAKeysCeilingStopsAnEscalationByInvitation is the story the ceiling
// closes: a key narrowed to inviting invites an admin, to be accepted
// with another account holding far more than the key could.
func TestAKeysCeilingStopsAnEscalationByInvitation(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ada-invite", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"eve@acme.com","role":"admin","grants":["members.manage"]}`)
	require.Equal(t, 403, w.Code, w.Body.String())
	require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)
	// The same request through ada's session, or her key narrowed by
	// nothing, is hers to make.
	w = f.call(t, "ada-key", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"eve@acme.com","role":"admin","grants":["members.manage"]}`)
	require.Equal(t, 201, w.Code, w.Body.String())
}

// TestANarrowedKeyNeitherRevivesNorRevealsMoreThanItHolds: resending an
// invitation, regenerating a link, and showing either's URL hand out what
// they give (anyone with a link's URL may join by it), so through a key
// narrowed below it they are 403 api_key_scope, audited, and leave the
// token as it was; what the key could give itself goes through.
func TestANarrowedKeyNeitherRevivesNorRevealsMoreThanItHolds(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"eve@acme.com","role":"admin"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	adminInv := decode[rosterhttp.InviteResultJSON](t, w).Results[0].ID.String()
	w = f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/links", `{"role":"admin"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	adminLink := decode[rosterhttp.LinkJSON](t, w).ID.String()
	w = f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/links", `{"workspaces":{"{ws}":"viewer"}}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	memberLink := decode[rosterhttp.LinkJSON](t, w).ID.String()

	ctx := context.Background()
	refusals := func() int {
		ev, _, err := f.ms.Audit(ctx, "ann", f.acme.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{Limit: 100})
		require.NoError(t, err)
		return len(ev)
	}
	for _, p := range []string{
		"/roster/api/orgs/{acme}/invitations/" + adminInv + "/resend",
		"/roster/api/orgs/{acme}/invitations/" + adminInv + "/url",
		"/roster/api/orgs/{acme}/links/" + adminLink + "/regenerate",
		"/roster/api/orgs/{acme}/links/" + adminLink + "/url",
	} {
		before := given(t, f)
		n := refusals()
		w := f.call(t, "ada-inviter", "POST", p, "")
		require.Equal(t, 403, w.Code, p+": "+w.Body.String())
		require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code, p)
		require.Equal(t, n+1, refusals(), p+": audited")
		require.Equal(t, before, given(t, f), p)
		// The member's own session may: the narrowing is the key's.
		require.Equal(t, 200, f.call(t, "ada", "POST", p, "").Code, p)
	}
	// carl's member invitation and a viewer link are within the key.
	for _, p := range []string{
		"/roster/api/orgs/{acme}/invitations/{inv}/resend",
		"/roster/api/orgs/{acme}/invitations/{inv}/url",
		"/roster/api/orgs/{acme}/links/" + memberLink + "/regenerate",
		"/roster/api/orgs/{acme}/links/" + memberLink + "/url",
	} {
		w := f.call(t, "ada-inviter", "POST", p, "")
		require.Equal(t, 200, w.Code, p+": "+w.Body.String())
	}
}

// TestANarrowedKeyGivesBackNoMoreThanItHolds: reactivating a member gives
// back what the member holds, and letting members invite gives every
// member the invite permission; a narrowed key does neither beyond its
// scope (403 api_key_scope, audited, nothing changed), and does within it.
func TestANarrowedKeyGivesBackNoMoreThanItHolds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	require.Equal(t, 200, f.call(t, "ann", "PUT", membersPath+"/bob/role", `{"role":"admin"}`).Code)
	for _, u := range []string{"bob", "gus"} {
		require.Equal(t, 200, f.call(t, "ann", "POST", membersPath+"/"+u+"/deactivate", "").Code, u)
	}
	refused := func(w *httptest.ResponseRecorder, what string) {
		t.Helper()
		require.Equal(t, 403, w.Code, what+": "+w.Body.String())
		require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code, what)
	}
	deactivated := func(user string) bool {
		m, err := f.ms.Member(ctx, "ann", f.acme.ID, user)
		require.NoError(t, err)
		return m.Deactivated
	}

	// ada-manager (members.manage, members.view) cannot give back bob's
	// admin role; gus, a guest without workspaces, holds nothing beyond it.
	refused(f.call(t, "ada-manager", "POST", membersPath+"/bob/reactivate", ""), "reactivate an admin")
	require.True(t, deactivated("bob"))
	require.Equal(t, 200, f.call(t, "ada-manager", "POST", membersPath+"/gus/reactivate", "").Code)
	require.False(t, deactivated("gus"))

	// ann-settings (settings.manage only) cannot let members invite, and
	// may change another setting.
	settings := func() membership.Settings {
		o, err := f.ms.Organization(ctx, f.acme.ID)
		require.NoError(t, err)
		return o.Settings
	}
	refused(f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"members_may_invite":true}}`), "let members invite")
	require.False(t, settings().MembersMayInvite)
	require.Equal(t, 200, f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"links_disabled":true}}`).Code)
	require.True(t, settings().LinksDisabled)

	ev, _, err := f.ms.Audit(ctx, "ann", f.acme.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, ev, 2, "both refusals audited")

	// The members' own sessions may: the narrowing is the keys'.
	require.Equal(t, 200, f.call(t, "ann", "POST", membersPath+"/bob/reactivate", "").Code)
	require.Equal(t, 200, f.call(t, "ann", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"members_may_invite":true}}`).Code)
	require.True(t, settings().MembersMayInvite)
	// A key may take away what it could not give.
	require.Equal(t, 200, f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"members_may_invite":false}}`).Code)
	require.False(t, settings().MembersMayInvite)
}

// staleOrgs is a memstore whose Organization answers, once told to, with
// the organization as it was: what a request read before a concurrent
// change committed. Updates lock and read the live row.
type staleOrgs struct {
	*memstore.Store
	stale *membership.Organization
}

func (s *staleOrgs) Organization(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	if s.stale != nil && s.stale.ID == id {
		return *s.stale, nil
	}
	return s.Store.Organization(ctx, id)
}

// changeAfterRead tells s to answer with Acme as it is now, then changes
// Acme's settings by ann: what a request that read them before then
// sees. It returns the organization as read.
func (s *staleOrgs) changeAfterRead(t *testing.T, f *fixture, change func(*membership.Settings)) membership.Organization {
	t.Helper()
	ctx := context.Background()
	before, err := f.ms.Organization(ctx, f.acme.ID)
	require.NoError(t, err)
	s.stale = &before
	changed := before.Settings
	change(&changed)
	_, err = f.ms.UpdateOrganization(ctx, "ann", f.acme.ID, membership.OrganizationUpdate{Settings: &changed})
	require.NoError(t, err)
	return before
}

// now returns Acme as stored.
func (s *staleOrgs) now(t *testing.T, f *fixture) membership.Organization {
	t.Helper()
	o, err := s.Store.Organization(context.Background(), f.acme.ID)
	require.NoError(t, err)
	return o
}

// TestAKeyThatMayNotBillDoesNotUndoASeatChange: a key of the owner
// narrowed to settings (no billing) changes another setting with the seats
// it read; the owner raised the seats in between. The seats stay raised:
// the key's update keeps the billing fields as they stand.
func TestAKeyThatMayNotBillDoesNotUndoASeatChange(t *testing.T) {
	st := &staleOrgs{Store: memstore.New()}
	f := newFixtureOn(t, st)
	before := st.changeAfterRead(t, f, func(s *membership.Settings) { s.Seats = 30 })
	require.Equal(t, 0, before.Settings.Seats)

	w := f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":0,"links_disabled":true}}`)
	require.Equal(t, 200, w.Code, w.Body.String())
	now := st.now(t, f)
	require.True(t, now.Settings.LinksDisabled)
	require.Equal(t, 30, now.Settings.Seats, "the seat change made in between stands")

	// The same key asking for a seat change it read as one is refused.
	w = f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":5}}`)
	require.Equal(t, 403, w.Code, w.Body.String())
	require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)
}

// TestAKeyThatMayNotInviteDoesNotTurnMembersInvitingBackOn: ann-settings
// (settings.manage only) sends back members_may_invite as it read it, on;
// ann turned it off in between. It stays off: the key's update keeps it
// as it stands.
func TestAKeyThatMayNotInviteDoesNotTurnMembersInvitingBackOn(t *testing.T) {
	st := &staleOrgs{Store: memstore.New()}
	f := newFixtureOn(t, st)
	require.Equal(t, 200, f.call(t, "ann", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"members_may_invite":true}}`).Code)
	st.changeAfterRead(t, f, func(s *membership.Settings) { s.MembersMayInvite = false })

	w := f.call(t, "ann-settings", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"members_may_invite":true,"links_disabled":true}}`)
	require.Equal(t, 200, w.Code, w.Body.String())
	now := st.now(t, f)
	require.True(t, now.Settings.LinksDisabled)
	require.False(t, now.Settings.MembersMayInvite, "the change made in between stands")
}

// TestAMemberWhoMayNotBillSendsBackTheSeatsTheyRead: ada, an admin without
// billing, saves settings read before ann raised the seats. Her update
// asks for no seat change, so it is neither refused nor undoes ann's.
func TestAMemberWhoMayNotBillSendsBackTheSeatsTheyRead(t *testing.T) {
	st := &staleOrgs{Store: memstore.New()}
	f := newFixtureOn(t, st)
	st.changeAfterRead(t, f, func(s *membership.Settings) { s.Seats = 30 })

	w := f.call(t, "ada", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":0,"members_may_invite":true}}`)
	require.Equal(t, 200, w.Code, w.Body.String())
	now := st.now(t, f)
	require.True(t, now.Settings.MembersMayInvite)
	require.Equal(t, 30, now.Settings.Seats)
	// A seat change she asks for is still refused.
	w = f.call(t, "ada", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":5}}`)
	require.Equal(t, 403, w.Code, w.Body.String())
	require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code)
}
