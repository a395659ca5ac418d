package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterkit/roster/sqlstore/sqlite"
	"github.com/stretchr/testify/require"
)

func newTestApp(t *testing.T) *app {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "webapp.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	a, err := newApp(context.Background(), st, "http://127.0.0.1:8080")
	require.NoError(t, err)
	// A second start on the same database finds the seed and adds nothing.
	_, err = newApp(context.Background(), st, "http://127.0.0.1:8080")
	require.NoError(t, err)
	return a
}

func TestSignInPickerReturnsOnlyToThisSite(t *testing.T) {
	a := newTestApp(t)
	for back, want := range map[string]string{"/roster/invite": "/roster/invite", "//evil.io/x": "/", "https://evil.io": "/", `/\evil.io`: "/"} {
		r := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"user": {"ann"}, "return_to": {back}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		require.Equal(t, http.StatusSeeOther, w.Code)
		require.Equal(t, want, w.Header().Get("Location"), back)
	}
}

func TestHomeLinksTheMembersTabInTheAppLayout(t *testing.T) {
	a := newTestApp(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: userCookie, Value: "ann"})
	w := httptest.NewRecorder()
	a.ServeHTTP(w, r)
	require.Equal(t, 200, w.Code)
	require.Contains(t, w.Body.String(), `id="members-acme"`)

	org, err := a.ms.OrganizationBySlug(context.Background(), "acme")
	require.NoError(t, err)
	r = httptest.NewRequest("GET", "/roster/orgs/"+org.ID.String()+"/members", nil)
	r.AddCookie(&http.Cookie{Name: userCookie, Value: "ann"})
	w = httptest.NewRecorder()
	a.ServeHTTP(w, r)
	require.Equal(t, 200, w.Code)
	body := w.Body.String()
	require.Contains(t, body, `<header class="app-bar">`, "the tab is wrapped in the app's layout")
	require.Contains(t, body, "Bob Member")
	require.Contains(t, w.Header().Get("Content-Security-Policy"), "frame-ancestors")
}
