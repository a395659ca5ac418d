package rosterhttp_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/stretchr/testify/require"
)

// page sends a page request as user with the given cookies and form.
func (f *fixture) page(t testing.TB, user, method, path string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, f.expand(path), strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, f.expand(path), nil)
	}
	if user != "" {
		r.Header.Set("X-User", user)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// requirePageHeaders checks the security headers every page sends.
func requirePageHeaders(t testing.TB, w *httptest.ResponseRecorder) {
	t.Helper()
	csp := w.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "script-src 'self'")
	require.Contains(t, csp, "frame-ancestors 'self'")
	require.NotContains(t, csp, "unsafe-inline")
	require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	require.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
	body := w.Body.String()
	require.NotContains(t, body, "<script>", "no inline script")
	require.NotContains(t, body, " style=", "no inline style")
	require.NotContains(t, body, " onclick=", "no inline handler")
}

func (f *fixture) status(t testing.TB, user string) invite.Status {
	t.Helper()
	inv, err := f.iv.Invitation(context.Background(), "ann", f.acme.ID, f.inv)
	require.NoError(t, err)
	return inv.StatusAt(f.ms.Clock().Now())
}

// openLink follows the link of the email and returns the cookie that
// carries the token from then on.
func (f *fixture) openLink(t testing.TB) *http.Cookie {
	t.Helper()
	w := f.page(t, "", "GET", "/roster/invite/{carltok}", nil)
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, "/roster/invite", w.Header().Get("Location"))
	require.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
	cs := w.Result().Cookies()
	require.Len(t, cs, 1)
	require.Equal(t, "/roster/invite", cs[0].Path)
	require.True(t, cs[0].HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, cs[0].SameSite)
	return cs[0]
}

func TestAcceptPageShowsWithoutChangingAnything(t *testing.T) {
	f := newFixture(t)
	c := f.openLink(t)
	// Anonymous: the preview and a way to sign in and come back.
	w := f.page(t, "", "GET", "/roster/invite", nil, c)
	require.Equal(t, 200, w.Code, w.Body.String())
	requirePageHeaders(t, w)
	body := w.Body.String()
	require.Contains(t, body, "Join Acme")
	require.Contains(t, body, "Ann Owner")
	require.Contains(t, body, "carl@acme.com")
	require.Contains(t, body, `href="/signin?return_to=%2Froster%2Finvite"`)
	require.NotContains(t, body, f.carlTok)
	// Signed in: the buttons, still nothing changed.
	w = f.page(t, "carl", "GET", "/roster/invite", nil, c)
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), "Accept invitation")
	require.NotContains(t, w.Body.String(), f.carlTok)
	require.Equal(t, invite.StatusPending, f.status(t, "ann"))
}

func TestAcceptPageAcceptsForTheSignedInUser(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t)
	h, err := rosterhttp.New(rosterhttp.Options{Members: f.ms, Invites: f.iv, Authenticator: headerAuth, SignInURL: "/signin",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	f.srv = h
	c := f.openLink(t)

	// Not signed in: to the sign-in page, coming back to the accept page
	// (without the token), nothing accepted.
	w := f.page(t, "", "POST", "/roster/invite", url.Values{"answer": {"accept"}}, c)
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, "/signin?return_to=%2Froster%2Finvite", w.Header().Get("Location"))
	require.Equal(t, invite.StatusPending, f.status(t, "ann"))

	// Someone else signed in: refused, nothing accepted.
	w = f.page(t, "eve", "POST", "/roster/invite", url.Values{"answer": {"accept"}}, c)
	require.Equal(t, http.StatusForbidden, w.Code)
	require.Contains(t, w.Body.String(), "another email address")
	require.Equal(t, invite.StatusPending, f.status(t, "ann"))

	w = f.page(t, "carl", "POST", "/roster/invite", url.Values{"answer": {"accept"}}, c)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	loc := w.Header().Get("Location")
	require.True(t, strings.HasPrefix(loc, "/roster/invite/done?answer=accepted"), loc)
	require.NotContains(t, loc, f.carlTok)
	require.Equal(t, -1, w.Result().Cookies()[0].MaxAge, "the token cookie is cleared")
	require.Equal(t, invite.StatusAccepted, f.status(t, "ann"))
	w = f.page(t, "carl", "GET", loc, nil)
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), "You joined Acme")

	// The token is used: the page says so with 410.
	w = f.page(t, "carl", "GET", "/roster/invite", nil, c)
	require.Equal(t, http.StatusGone, w.Code)
	require.NotContains(t, logs.String(), f.carlTok)
}

func TestAcceptPageDeclines(t *testing.T) {
	f := newFixture(t)
	c := f.openLink(t)
	w := f.page(t, "carl", "POST", "/roster/invite", url.Values{"answer": {"decline"}}, c)
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, invite.StatusRejected, f.status(t, "ann"))
}

func TestAcceptPageRefusesCrossSitePosts(t *testing.T) {
	f := newFixture(t)
	c := f.openLink(t)
	r := httptest.NewRequest("POST", "/roster/invite", strings.NewReader("answer=accept"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-User", "carl")
	r.Header.Set("Origin", "https://evil.io")
	r.Host = "app.example.com"
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	require.Equal(t, http.StatusForbidden, w.Code)
	require.Equal(t, invite.StatusPending, f.status(t, "ann"))
}

func TestAcceptPageWithoutTokenOrWithAMistypedOne(t *testing.T) {
	f := newFixture(t)
	w := f.page(t, "carl", "GET", "/roster/invite", nil)
	require.Equal(t, http.StatusNotFound, w.Code)
	w = f.page(t, "carl", "GET", "/roster/invite", nil, &http.Cookie{Name: "roster_invite", Value: "rsti_typo"})
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Contains(t, w.Body.String(), "not valid")
}

func TestRedactPathHidesTheTokenOfTheAcceptLink(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, "/roster/invite/…", f.h.RedactPath("/roster/invite/"+f.carlTok))
	for _, p := range []string{"/roster/invite", "/roster/invite/done", "/roster/orgs/x/members", "/other/invite/x"} {
		require.Equal(t, p, f.h.RedactPath(p))
	}
}

func TestAcceptPageJoinsWithALink(t *testing.T) {
	f := newFixture(t)
	_, token, err := f.iv.CreateLink(context.Background(), "ann", f.acme.ID, invite.NewLink{AllowedDomains: []string{"acme.com"}})
	require.NoError(t, err)
	w := f.page(t, "", "GET", "/roster/invite/"+token, nil)
	require.Equal(t, http.StatusSeeOther, w.Code)
	c := w.Result().Cookies()[0]
	body := f.page(t, "carl", "GET", "/roster/invite", nil, c).Body.String()
	require.Contains(t, body, "Join Acme")
	require.NotContains(t, body, "Decline", "a link names nobody to decline for")
	// Eve's domain is not allowed; Carl's is.
	w = f.page(t, "eve", "POST", "/roster/invite", url.Values{"answer": {"accept"}}, c)
	require.Equal(t, http.StatusForbidden, w.Code)
	w = f.page(t, "carl", "POST", "/roster/invite", url.Values{"answer": {"accept"}}, c)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	m, err := f.ms.Member(context.Background(), "ann", f.acme.ID, "carl")
	require.NoError(t, err)
	require.Equal(t, "member", string(m.Role))
}

func TestAcceptCookieIsSecureBehindATLSProxy(t *testing.T) {
	f := newFixture(t)
	require.False(t, f.openLink(t).Secure, "plain HTTP in tests")
	h, err := rosterhttp.New(rosterhttp.Options{Members: f.ms, Invites: f.iv, Authenticator: headerAuth, SignInURL: "/signin", SecureCookies: true})
	require.NoError(t, err)
	f.srv = h
	require.True(t, f.openLink(t).Secure)
}
