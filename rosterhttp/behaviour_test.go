package rosterhttp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/stretchr/testify/require"
)

func TestNewChecksItsOptions(t *testing.T) {
	ms, iv := services(t, nil)
	good := rosterhttp.Options{Members: ms, Invites: iv, Authenticator: headerAuth, SignInURL: "/signin"}
	_, err := rosterhttp.New(good)
	require.NoError(t, err)
	for name, change := range map[string]func(o *rosterhttp.Options){
		"no members service":     func(o *rosterhttp.Options) { o.Members = nil },
		"no invite service":      func(o *rosterhttp.Options) { o.Invites = nil },
		"no authenticator":       func(o *rosterhttp.Options) { o.Authenticator = nil },
		"no sign-in URL":         func(o *rosterhttp.Options) { o.SignInURL = "" },
		"protocol-relative URL":  func(o *rosterhttp.Options) { o.SignInURL = "//evil.io/signin" },
		"javascript URL":         func(o *rosterhttp.Options) { o.SignInURL = "javascript:alert(1)" },
		"relative prefix":        func(o *rosterhttp.Options) { o.Prefix = "roster" },
		"prefix with a slash":    func(o *rosterhttp.Options) { o.Prefix = "/roster/" },
		"prefix with a pattern":  func(o *rosterhttp.Options) { o.Prefix = "/{x}" },
		"bad trusted origin":     func(o *rosterhttp.Options) { o.TrustedOrigins = []string{"not an origin"} },
		"batch limit too large":  func(o *rosterhttp.Options) { o.BatchLimit = 100000 },
		"return param to escape": func(o *rosterhttp.Options) { o.ReturnParam = "a b" },
	} {
		t.Run(name, func(t *testing.T) {
			o := good
			change(&o)
			h, err := rosterhttp.New(o)
			require.ErrorIs(t, err, membership.ErrInvalidOptions)
			require.Nil(t, h)
		})
	}
	t.Run("absolute sign-in URL", func(t *testing.T) {
		o := good
		o.SignInURL = "https://id.example.com/login?app=1"
		_, err := rosterhttp.New(o)
		require.NoError(t, err)
	})
}

func TestAuthenticatorFailureIs500WithoutDetail(t *testing.T) {
	ms, iv := services(t, nil)
	h, err := rosterhttp.New(rosterhttp.Options{Members: ms, Invites: iv, SignInURL: "/signin",
		Authenticator: rosterhttp.AuthenticatorFunc(func(*http.Request) (rosterhttp.User, error) {
			return rosterhttp.User{}, errSecret
		})})
	require.NoError(t, err)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/roster/api/orgs", nil))
	p := problemOf(t, w)
	require.Equal(t, 500, p.Status)
	require.Equal(t, "internal", p.Code)
	require.NotContains(t, w.Body.String(), "db password")
}

var errSecret = errorString("session store down: db password hunter2")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestBatchErrorsNameEachEntryAndSaveNothing(t *testing.T) {
	f := newFixture(t)
	before := decode[rosterhttp.List[rosterhttp.InvitationJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/invitations", ""))
	w := f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"dan@@acme.com\nok@acme.com\nx@"}`)
	p := problemOf(t, w)
	require.Equal(t, "invalid_email", p.Code)
	require.Len(t, p.Errors, 2)
	require.Equal(t, "dan@@acme.com", p.Errors[0].Entry)
	require.Equal(t, 0, p.Errors[0].Index)
	require.Equal(t, "x@", p.Errors[1].Entry)
	require.Equal(t, 2, p.Errors[1].Index)
	after := decode[rosterhttp.List[rosterhttp.InvitationJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/invitations", ""))
	require.Len(t, after.Items, len(before.Items))
}

func TestBatchReportsEachAddress(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"dan@acme.com, bob@acme.com, carl@acme.com"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	res := decode[rosterhttp.InviteResultJSON](t, w)
	require.Len(t, res.Results, 3)
	require.Equal(t, "invited", string(res.Results[0].Outcome))
	require.NotEmpty(t, res.Results[0].URL)
	require.Equal(t, "already_member", string(res.Results[1].Outcome))
	require.Equal(t, "reinvited", string(res.Results[2].Outcome))
}

func TestTheBatchLimitIsTheInviteServices(t *testing.T) {
	f := newFixtureOn(t, nil, func(o *invite.Options) { o.BatchLimit = 3 })
	w := f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"dan@acme.com"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Equal(t, 3, decode[rosterhttp.InviteResultJSON](t, w).BatchLimit)
}

func TestMyOrganizationsCarryMyRole(t *testing.T) {
	f := newFixture(t)
	l := decode[rosterhttp.List[rosterhttp.OrganizationJSON]](t, f.call(t, "ada", "GET", "/roster/api/orgs", ""))
	require.Len(t, l.Items, 1)
	require.Equal(t, f.acme.ID, l.Items[0].ID)
	require.Equal(t, "admin", string(l.Items[0].Role))
	l = decode[rosterhttp.List[rosterhttp.OrganizationJSON]](t, f.call(t, "eve", "GET", "/roster/api/orgs", ""))
	require.Empty(t, l.Items)
}

func TestMayIAnswersForTheCaller(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		user, query string
		allowed     bool
	}{
		{"bob", "workspace={ws}&permission=upload", true},
		{"bob", "workspace={ws}&permission=delete", false},
		{"ada", "workspace={ws}&permission=delete", true},
		{"gus", "permission=members.invite", false},
		{"ada", "permission=members.invite", true},
	} {
		w := f.call(t, c.user, "GET", "/roster/api/orgs/{acme}/permissions?"+c.query, "")
		require.Equal(t, 200, w.Code, w.Body.String())
		p := decode[rosterhttp.PermissionsJSON](t, w)
		require.NotNil(t, p.Allowed)
		require.Equal(t, c.allowed, *p.Allowed, "%s %s", c.user, c.query)
	}
	// gus has no access to Marketing: the workspace is not found for him.
	w := f.call(t, "gus", "GET", "/roster/api/orgs/{acme}/permissions?workspace={ws}&permission=view", "")
	require.Equal(t, 404, problemOf(t, w).Status)
}

func TestCrossSiteRequestsAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/roster/api/orgs/{acme}/members/bob", "/roster/orgs/{acme}/members/remove"} {
		r := httptest.NewRequest("DELETE", f.expand(path), nil)
		if strings.Contains(path, "/members/remove") {
			r = httptest.NewRequest("POST", f.expand(path), strings.NewReader("user=bob"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.Header.Set("X-User", "ann")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		require.Equal(t, 403, w.Code)
		require.Equal(t, rosterhttp.CodeCrossOrigin, problemOf(t, w).Code)
	}
	// Nothing changed: bob is still a member.
	require.Equal(t, 200, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/members/bob", "").Code)
	// The same post from the page's own origin goes through.
	r := httptest.NewRequest("DELETE", f.expand("/roster/api/orgs/{acme}/members/bob"), nil)
	r.Header.Set("X-User", "ann")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	require.Equal(t, 204, w.Code, w.Body.String())
}

func TestDeadTokensAreGone(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 204, f.call(t, "ann", "DELETE", "/roster/api/orgs/{acme}/invitations/{inv}", "").Code)
	w := f.call(t, "carl", "POST", "/roster/api/invitations/accept", `{"token":"{carltok}"}`)
	require.Equal(t, "revoked", problemOf(t, w).Code)
	require.Equal(t, 410, w.Code)
}

func TestQuotaIs429(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ann", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"invites_per_day":2}}`)
	require.Equal(t, 200, w.Code, w.Body.String())
	w = f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"dan@acme.com eli@acme.com"}`)
	p := problemOf(t, w)
	require.Equal(t, 429, p.Status)
	require.Equal(t, "rate_limited", p.Code)
}

func TestSeatLimitCarriesTheNumbers(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, 200, f.call(t, "ann", "PATCH", "/roster/api/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":5}}`).Code)
	w := f.call(t, "ann", "POST", "/roster/api/orgs/{acme}/invitations", `{"emails":"dan@acme.com eli@acme.com"}`)
	p := problemOf(t, w)
	require.Equal(t, "seat_limit", p.Code)
	require.NotNil(t, p.Seats)
	require.Equal(t, rosterhttp.SeatLimit{Members: 4, Pending: 1, Limit: 5, Asked: 2}, *p.Seats)
}

func TestListsCarryNoSecret(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/roster/api/orgs/{acme}/invitations", "/roster/api/orgs/{acme}/invitations/{inv}",
		"/roster/api/orgs/{acme}/links", "/roster/api/orgs/{acme}/audit"} {
		w := f.call(t, "ann", "GET", path, "")
		require.Equal(t, 200, w.Code)
		body := strings.ToLower(w.Body.String())
		for _, secret := range []string{"token", "sealed", "hash", "rsti_", "rstl_"} {
			require.NotContains(t, body, secret, path)
		}
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	}
}

func TestMembersListCarriesWorkspaceRolesAndFilters(t *testing.T) {
	f := newFixture(t)
	l := decode[rosterhttp.List[rosterhttp.MemberJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/members?workspace={ws}", ""))
	require.Len(t, l.Items, 1)
	require.Equal(t, "bob", l.Items[0].UserID)
	require.Equal(t, "Marketing", l.Items[0].Workspaces[0].Name)
	require.Equal(t, "contributor", string(l.Items[0].Workspaces[0].Role))
	l = decode[rosterhttp.List[rosterhttp.MemberJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/members?kind=guest", ""))
	require.Len(t, l.Items, 1)
	require.Equal(t, "gus", l.Items[0].UserID)
	l = decode[rosterhttp.List[rosterhttp.MemberJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/members?limit=2", ""))
	require.Len(t, l.Items, 2)
	require.NotEmpty(t, l.Next)
	l2 := decode[rosterhttp.List[rosterhttp.MemberJSON]](t, f.call(t, "ann", "GET", "/roster/api/orgs/{acme}/members?limit=2&after="+l.Next, ""))
	require.Len(t, l2.Items, 2)
	require.NotEqual(t, l.Items[0].UserID, l2.Items[0].UserID)
}
