package rosterhttp_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/stretchr/testify/require"
)

// roleMenu returns the options of a member's role menu on the page ("" when
// the row has no menu).
func roleMenu(body, user string) []string {
	re := regexp.MustCompile(`(?s)<select id="roster-role-` + regexp.QuoteMeta(user) + `" name="role"[^>]*>(.*?)</select>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var out []string
	for _, o := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, o[1])
	}
	return out
}

func TestMembersTabSendsVisitorsToSignIn(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "", "GET", "/roster/orgs/{acme}/members?q=bo", nil)
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, "/signin?return_to="+url.QueryEscape(f.expand("/roster/orgs/{acme}/members")), w.Header().Get("Location"))
}

func TestMembersTabShowsTheListAsTheViewerMayActOnIt(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil)
	require.Equal(t, 200, w.Code, w.Body.String())
	requirePageHeaders(t, w)
	body := w.Body.String()
	for _, s := range []string{"Members of Acme", "Bob Member", "Marketing", "carl@acme.com", "Up to 10 at a time",
		"4 members, 1 pending invitation", `<label for="roster-emails">`, `aria-live="polite"`} {
		require.Contains(t, body, s)
	}
	// The owner may make anyone an owner; the admin may not, nor touch
	// the owner; a guest's role is not a menu.
	require.Equal(t, []string{"owner", "admin", "member"}, roleMenu(body, "bob"))
	require.Nil(t, roleMenu(body, "gus"))
	require.Nil(t, roleMenu(body, "ann"), "no menu on one's own row")

	body = f.page(t, "ada", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	require.Equal(t, []string{"admin", "member"}, roleMenu(body, "bob"))
	require.Nil(t, roleMenu(body, "ann"))
	require.NotContains(t, body, `<select id="roster-invite-role" name="role"><option value="owner"`)
	require.Contains(t, body, `<select id="roster-invite-role" name="role"><option value="admin">`)
	require.NotContains(t, body, "members/remove?user=ann")
	require.Contains(t, body, "members/remove?user=bob")

	// A member sees the list but changes nothing.
	body = f.page(t, "bob", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	require.Nil(t, roleMenu(body, "ada"))
	require.NotContains(t, body, "members/remove?")

	// A guest may not see it; nor may a stranger see another's tab.
	require.Equal(t, http.StatusForbidden, f.page(t, "gus", "GET", "/roster/orgs/{acme}/members", nil).Code)
	require.Equal(t, http.StatusForbidden, f.page(t, "ann", "GET", "/roster/orgs/{other}/members", nil).Code)
}

func TestMembersTabFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	body := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members?q=bo", nil).Body.String()
	require.Contains(t, body, "Bob Member")
	require.NotContains(t, body, "Ada Admin")
	body = f.page(t, "ann", "GET", "/roster/orgs/{acme}/members?kind=guest", nil).Body.String()
	require.Contains(t, body, "Gus Guest")
	require.NotContains(t, body, "Bob Member")
	// Fill two pages.
	for i := range 55 {
		_, err := f.ms.AddMember(context.Background(), "ann", f.acme.ID, membership.NewMember{
			UserID: "u" + string(rune('a'+i/26)) + string(rune('a'+i%26)), Email: "u" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "@acme.com"})
		require.NoError(t, err)
	}
	body = f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	next := regexp.MustCompile(`href="([^"]*)" rel="next"`).FindStringSubmatch(body)
	require.NotNil(t, next)
	w := f.page(t, "ann", "GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), "First page")
}

func TestInviteDialogShowsEachBadEntryAndSavesNothing(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"emails": {"dan@acme.com\nel@acme..com\nfay@acme.com"}, "role": {"member"}, "ws." + f.ws.ID.String(): {"viewer"}}
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/invite", form)
	require.Equal(t, http.StatusBadRequest, w.Code)
	body := w.Body.String()
	require.Contains(t, body, `<span class="roster-entry">el@acme..com</span>`)
	require.Contains(t, body, "nothing was sent")
	require.Contains(t, body, `aria-invalid="true"`)
	require.Contains(t, body, "dan@acme.com\nel@acme..com\nfay@acme.com</textarea>", "the list is kept as typed")
	require.Contains(t, body, `<details class="roster-dialog" id="roster-invite" open>`)
	n := 0
	for range f.iv.AllInvitations(context.Background(), "ann", f.acme.ID, invite.InvitationFilter{}) {
		n++
	}
	require.Equal(t, 1, n, "carl's invitation only: nothing of the batch was saved")
}

func TestInviteDialogSendsAndRedirects(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"emails": {"dan@acme.com, Eli <eli@acme.com>"}, "role": {"member"}, "ws." + f.ws.ID.String(): {"viewer"}, "grant": {"billing.view"}}
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/invite", form)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	loc := w.Header().Get("Location")
	require.Equal(t, f.expand("/roster/orgs/{acme}/members?n=2&ok=invited"), loc)
	body := f.page(t, "ann", "GET", loc, nil).Body.String()
	require.Contains(t, body, "2 invitations sent.")
	require.Contains(t, body, "eli@acme.com")
}

func TestRoleMenuChangesTheRole(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/role", url.Values{"user": {"bob"}, "role": {"admin"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Contains(t, w.Header().Get("Location"), "ok=role")
	m, err := f.ms.Member(context.Background(), "ann", f.acme.ID, "bob")
	require.NoError(t, err)
	require.Equal(t, "admin", string(m.Role))
	// Above the viewer: refused, said so after the redirect.
	w = f.page(t, "ada", "POST", "/roster/orgs/{acme}/members/role", url.Values{"user": {"bob"}, "role": {"owner"}})
	require.Contains(t, w.Header().Get("Location"), "err=forbidden")
	require.Contains(t, f.page(t, "ada", "GET", w.Header().Get("Location"), nil).Body.String(), "not allowed")
}

func TestRemovalGoesThroughTheConfirmation(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members/remove?user=bob", nil)
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), "Bob Member will lose access to all content and Workspaces in Acme.")
	_, err := f.ms.Member(context.Background(), "ann", f.acme.ID, "bob")
	require.NoError(t, err, "showing the confirmation removes nobody")
	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/remove", url.Values{"user": {"bob"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Contains(t, w.Header().Get("Location"), "ok=removed")
	_, err = f.ms.Member(context.Background(), "ann", f.acme.ID, "bob")
	require.ErrorIs(t, err, membership.ErrNotFound)
	// A member of another organization is not found.
	w = f.page(t, "ann", "GET", "/roster/orgs/{acme}/members/remove?user=oz", nil)
	require.Equal(t, http.StatusNotFound, w.Code)
}

func TestBulkActions(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/bulk", url.Values{"action": {"remove"}, "user": {"bob", "gus"}})
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), "Bob Member and Gus Guest will lose access")
	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/bulk", url.Values{"action": {"role"}, "bulk_role": {"admin"}, "user": {"bob", "ada"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Contains(t, w.Header().Get("Location"), "n=2&ok=roles")
	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/remove", url.Values{"user": {"bob", "gus"}})
	require.Contains(t, w.Header().Get("Location"), "n=2&ok=removed")
	body := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	require.NotContains(t, body, "Bob Member")
	require.NotContains(t, body, "Gus Guest")
}

func TestPendingInvitationActions(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/invitations/{inv}/url", url.Values{})
	require.Equal(t, 200, w.Code)
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Regexp(t, `value="http://localhost/roster/invite/rsti_[A-Za-z0-9]+"`, w.Body.String())

	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/invitations/{inv}/resend", url.Values{})
	require.Contains(t, w.Header().Get("Location"), "ok=resent")
	// Resend rotated the token: the one mailed first is dead.
	_, err := f.iv.Preview(context.Background(), f.carlTok)
	require.ErrorIs(t, err, invite.ErrInvalidToken)

	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/invitations/{otherinv}/revoke", url.Values{})
	require.Contains(t, w.Header().Get("Location"), "err=not_found")
	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/invitations/{inv}/revoke", url.Values{})
	require.Contains(t, w.Header().Get("Location"), "ok=revoked")
	require.Equal(t, invite.StatusRevoked, f.status(t, "ann"))
	other, err := f.iv.Invitation(context.Background(), "oz", f.other.ID, f.otherInv)
	require.NoError(t, err)
	require.Equal(t, invite.StatusPending, other.Status)
}

func TestAuditView(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "ann", "GET", "/roster/orgs/{acme}/audit", nil)
	require.Equal(t, 200, w.Code)
	requirePageHeaders(t, w)
	require.Contains(t, w.Body.String(), "member.added")
	require.Equal(t, http.StatusForbidden, f.page(t, "bob", "GET", "/roster/orgs/{acme}/audit", nil).Code)
}

func TestAssetsAreServed(t *testing.T) {
	f := newFixture(t)
	for path, ctype := range map[string]string{"/roster/assets/roster.css": "text/css", "/roster/assets/roster.js": "text/javascript"} {
		w := f.page(t, "", "GET", path, nil)
		require.Equal(t, 200, w.Code, path)
		require.Contains(t, w.Header().Get("Content-Type"), ctype)
		require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	}
	require.Contains(t, f.page(t, "", "GET", "/roster/assets/roster.css", nil).Body.String(), "--roster-accent")
}

func TestWorkspaceAccessMenu(t *testing.T) {
	f := newFixture(t)
	body := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	require.Contains(t, body, `id="roster-access-ws-gus"`)
	require.NotContains(t, body, `id="roster-access-ws-ada"`, "admins hold every workspace")
	require.NotContains(t, f.page(t, "bob", "GET", "/roster/orgs/{acme}/members", nil).Body.String(), "roster-access-ws-")

	ctx := context.Background()
	w := f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/access", url.Values{"user": {"gus"}, "ws": {f.ws.ID.String()}, "role": {"viewer"}})
	require.Contains(t, w.Header().Get("Location"), "ok=access")
	as, err := f.ms.MemberAccess(ctx, "ann", f.acme.ID, "gus")
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, "viewer", string(as[0].Role))

	// A member may not; a workspace of another organization is not found.
	w = f.page(t, "bob", "POST", "/roster/orgs/{acme}/members/access", url.Values{"user": {"gus"}, "ws": {f.ws.ID.String()}, "role": {"admin"}})
	require.Contains(t, w.Header().Get("Location"), "err=forbidden")
	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/access", url.Values{"user": {"gus"}, "ws": {f.otherWS.ID.String()}, "role": {"viewer"}})
	require.Contains(t, w.Header().Get("Location"), "err=not_found")

	w = f.page(t, "ann", "POST", "/roster/orgs/{acme}/members/access", url.Values{"user": {"gus"}, "ws": {f.ws.ID.String()}, "role": {""}})
	require.Contains(t, w.Header().Get("Location"), "ok=access")
	as, err = f.ms.MemberAccess(ctx, "ann", f.acme.ID, "gus")
	require.NoError(t, err)
	require.Empty(t, as)
}

func TestWorkspaceAccessMenuNeverPreselectsRemoval(t *testing.T) {
	f := newFixture(t)
	body := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	re := regexp.MustCompile(`(?s)<select id="roster-access-role-gus" name="role">(.*?)</select>`)
	m := re.FindStringSubmatch(body)
	require.NotNil(t, m)
	opts := regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(m[1], -1)
	require.Equal(t, "admin", opts[0][1])
	require.Equal(t, "", opts[len(opts)-1][1])
}

func TestWorkspaceNamesAreEscapedInTheAccessMenu(t *testing.T) {
	f := newFixture(t)
	_, err := f.ms.CreateWorkspace(context.Background(), "ann", f.acme.ID, `<b>"Bold" & co</b>`)
	require.NoError(t, err)
	body := f.page(t, "ann", "GET", "/roster/orgs/{acme}/members", nil).Body.String()
	require.NotContains(t, body, `<b>"Bold"`)
	require.Contains(t, body, `&lt;b&gt;&#34;Bold&#34; &amp; co&lt;/b&gt;`)
}
