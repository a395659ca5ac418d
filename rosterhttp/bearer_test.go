package rosterhttp_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/rosterkit/roster/sqlstore/sqlite"
	"github.com/rosterkit/roster/storage"
	"github.com/stretchr/testify/require"
)

// bearer sends one API request presenting authorization as is, and
// headers (name, value pairs).
func (f *fixture) bearer(t testing.TB, authorization, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, f.expand(path), strings.NewReader(f.expand(body)))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, f.expand(path), nil)
	}
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// requireKeyRefused checks a 401 for a key that authenticates nobody: its
// code, the Bearer challenge, and no trace of the key in the answer.
func requireKeyRefused(t *testing.T, w *httptest.ResponseRecorder, code, secret string) {
	t.Helper()
	require.Equal(t, 401, w.Code, w.Body.String())
	require.Equal(t, code, problemOf(t, w).Code)
	require.True(t, strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer "), w.Header().Get("WWW-Authenticate"))
	if secret != "" {
		require.NotContains(t, w.Body.String(), secret)
	}
}

const membersPath = "/roster/api/orgs/{acme}/members"

func TestABearerKeyActsAsItsMember(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ada-key", "GET", membersPath, "")
	require.Equal(t, 200, w.Code, w.Body.String())
	require.Equal(t, f.call(t, "ada", "GET", membersPath, "").Body.String(), w.Body.String())
	// The scheme in any case, spaces after it.
	w = f.bearer(t, "bEaReR   "+f.key(t, "ada-key"), "GET", membersPath, "")
	require.Equal(t, 200, w.Code, w.Body.String())

	// A key is the whole identity of its request: a session beside it
	// lends it nothing (ann may rename; ada-view may not).
	w = f.bearer(t, "Bearer "+f.key(t, "ada-view"), "PATCH", "/roster/api/orgs/{acme}", `{"name":"Ann Inc"}`, "X-User", "ann")
	require.Equal(t, 403, w.Code, w.Body.String())
	require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)

	// Its last use is recorded; its actions are audited as its member's.
	k, err := f.ks.Get(context.Background(), "ada", f.acme.ID, f.keyIDs["ada-key"])
	require.NoError(t, err)
	require.False(t, k.LastUsedAt.IsZero())
	require.Equal(t, 200, f.call(t, "ada-key", "PUT", membersPath+"/bob/role", `{"role":"admin"}`).Code)
	ev, _, err := f.ms.Audit(context.Background(), "ann", f.acme.ID, membership.AuditFilter{Action: membership.EventRoleChanged}, storage.Page{})
	require.NoError(t, err)
	require.NotEmpty(t, ev)
	require.Equal(t, "ada", ev[0].Actor)
}

func TestANarrowedKeyIsRefusedOutsideItsScopeAndAudited(t *testing.T) {
	f := newFixture(t)
	// ada-people: people.manage, view and comment in Marketing only.
	require.Equal(t, 200, f.call(t, "ada-people", "PUT", membersPath+"/gus/workspaces/{ws}", `{"role":"viewer"}`).Code)
	w := f.call(t, "ada-people", "PUT", membersPath+"/gus/role", `{"role":"member"}`)
	require.Equal(t, 403, w.Code)
	require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)
	ev, _, err := f.ms.Audit(context.Background(), "ann", f.acme.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, ev, 1)
	require.True(t, ev[0].Denied)
	require.Equal(t, membership.CodeAPIKeyScope, ev[0].Reason)
	require.Equal(t, f.keyIDs["ada-people"].String(), ev[0].Target)
	// Nothing changed.
	m, err := f.ms.Member(context.Background(), "ann", f.acme.ID, "gus")
	require.NoError(t, err)
	require.Equal(t, roles.OrgGuest, m.Role)
}

func TestMayIAnswersForTheKey(t *testing.T) {
	f := newFixture(t)
	w := f.call(t, "ada-view", "GET", "/roster/api/orgs/{acme}/permissions?permission=members.manage", "")
	p := decode[rosterhttp.PermissionsJSON](t, w)
	require.Equal(t, []string{"members.view"}, p.Permissions)
	require.False(t, *p.Allowed, "ada may manage members, her key may not")
	w = f.call(t, "ada-ws", "GET", "/roster/api/orgs/{acme}/permissions?workspace={ws}&permission=upload", "")
	p = decode[rosterhttp.PermissionsJSON](t, w)
	require.True(t, *p.Allowed)
	w = f.call(t, "ada-ws", "GET", "/roster/api/orgs/{acme}/permissions", "")
	require.Empty(t, decode[rosterhttp.PermissionsJSON](t, w).Permissions, "a key narrowed to a workspace holds no org permission")
	// A key narrowed to a workspace lists that one only.
	_, err := f.ms.CreateWorkspace(context.Background(), "ann", f.acme.ID, "Sales")
	require.NoError(t, err)
	require.Len(t, decode[rosterhttp.List[rosterhttp.WorkspaceJSON]](t, f.call(t, "ada", "GET", "/roster/api/orgs/{acme}/workspaces", "")).Items, 2)
	ws := decode[rosterhttp.List[rosterhttp.WorkspaceJSON]](t, f.call(t, "ada-ws", "GET", "/roster/api/orgs/{acme}/workspaces", "")).Items
	require.Len(t, ws, 1)
	require.Equal(t, f.ws.ID, ws[0].ID)
}

func TestKeysThatAuthenticateNobodyAre401(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	secret := f.key(t, "ada-key")

	// Malformed: a typo fails the checksum.
	typo := secret[:len(secret)-1] + "x"
	if typo == secret {
		typo = secret[:len(secret)-1] + "y"
	}
	requireKeyRefused(t, f.bearer(t, "Bearer "+typo, "GET", membersPath, ""), membership.CodeInvalidAPIKey, typo)
	requireKeyRefused(t, f.bearer(t, "Bearer rstk_", "GET", membersPath, ""), membership.CodeInvalidAPIKey, "")

	// Unknown: well formed, made over another store.
	st := memstore.New()
	ms, err := membership.New(st, membership.Options{})
	require.NoError(t, err)
	o, err := ms.CreateOrganization(ctx, "ada", membership.NewOrganization{Name: "Elsewhere", Slug: "elsewhere", OwnerEmail: "ada@acme.com"})
	require.NoError(t, err)
	ks, err := apikey.New(ms, apikey.Options{})
	require.NoError(t, err)
	stranger, err := ks.Create(ctx, "ada", o.ID, apikey.NewKey{Name: "k"})
	require.NoError(t, err)
	requireKeyRefused(t, f.bearer(t, "Bearer "+stranger.Secret, "GET", membersPath, ""), membership.CodeInvalidAPIKey, stranger.Secret)

	// Expired: made an hour before its expiry, which has passed.
	past := time.Now().Add(-2 * time.Hour)
	msPast, err := membership.New(f.st, membership.Options{Clock: membership.ClockFunc(func() time.Time { return past })})
	require.NoError(t, err)
	ksPast, err := apikey.New(msPast, apikey.Options{})
	require.NoError(t, err)
	old, err := ksPast.Create(ctx, "ada", f.acme.ID, apikey.NewKey{Name: "old", ExpiresAt: past.Add(time.Hour)})
	require.NoError(t, err)
	requireKeyRefused(t, f.bearer(t, "Bearer "+old.Secret, "GET", membersPath, ""), membership.CodeAPIKeyExpired, old.Secret)

	// Revoked.
	require.Equal(t, 200, f.call(t, "ada-key", "GET", membersPath, "").Code)
	require.NoError(t, f.ks.Revoke(ctx, "ada", f.acme.ID, f.keyIDs["ada-key"]))
	requireKeyRefused(t, f.call(t, "ada-key", "GET", membersPath, ""), membership.CodeAPIKeyRevoked, secret)

	// The member removed: the removal revoked the key.
	view := f.key(t, "ada-view")
	require.Equal(t, 200, f.call(t, "ada-view", "GET", membersPath, "").Code)
	require.NoError(t, f.ms.RemoveMember(ctx, "ann", f.acme.ID, "ada"))
	requireKeyRefused(t, f.call(t, "ada-view", "GET", membersPath, ""), membership.CodeAPIKeyRevoked, view)
}

func TestADemotedMembersKeyLosesWhatTheMemberLost(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	require.Equal(t, 200, f.call(t, "ada-key", "GET", "/roster/api/orgs/{acme}/audit", "").Code)
	// ada keeps API access by grant, and becomes a member.
	_, err := f.ms.SetGrants(ctx, "ann", f.acme.ID, "ada", roles.Grants(roles.PermAPIAccess))
	require.NoError(t, err)
	_, err = f.ms.ChangeRole(ctx, "ann", f.acme.ID, "ada", roles.OrgMember)
	require.NoError(t, err)
	w := f.call(t, "ada-key", "GET", "/roster/api/orgs/{acme}/audit", "")
	require.Equal(t, 403, w.Code)
	require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code)
	w = f.call(t, "ada-key", "PUT", membersPath+"/bob/role", `{"role":"admin"}`)
	require.Equal(t, 403, w.Code)
	require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code)
	require.Equal(t, 200, f.call(t, "ada-key", "GET", membersPath, "").Code, "members still see members")

	// Without the API access grant, the key may do nothing, though it
	// still authenticates.
	_, err = f.ms.SetGrants(ctx, "ann", f.acme.ID, "ada", 0)
	require.NoError(t, err)
	w = f.call(t, "ada-key", "GET", membersPath, "")
	require.Equal(t, 403, w.Code)
	require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code)

	// Deactivated, likewise.
	_, err = f.ms.Deactivate(ctx, "ann", f.acme.ID, "ada")
	require.NoError(t, err)
	require.Equal(t, 403, f.call(t, "ada-key", "GET", "/roster/api/orgs/{acme}", "").Code)
}

func TestBearerRequestsPassTheCrossSiteFormProtection(t *testing.T) {
	f := newFixture(t)
	cross := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
	w := f.bearer(t, "Bearer "+f.key(t, "ada-key"), "POST", "/roster/api/orgs/{acme}/workspaces", `{"name":"Sales"}`, cross...)
	require.Equal(t, 201, w.Code, w.Body.String())
	// The host's session from another site still is refused, and so is
	// a session beside a bearer credential that is not a key.
	w = f.bearer(t, "", "POST", "/roster/api/orgs/{acme}/workspaces", `{"name":"Sales 2"}`, append(cross, "X-User", "ann")...)
	require.Equal(t, 403, w.Code)
	require.Equal(t, rosterhttp.CodeCrossOrigin, problemOf(t, w).Code)
	w = f.bearer(t, "Bearer host-jwt", "POST", "/roster/api/orgs/{acme}/workspaces", `{"name":"Sales 2"}`, append(cross, "X-User", "ann")...)
	require.Equal(t, 403, w.Code)
	require.Equal(t, rosterhttp.CodeCrossOrigin, problemOf(t, w).Code)
	// A key does not open the Members tab's forms to other sites.
	r := httptest.NewRequest("POST", f.expand("/roster/orgs/{acme}/members/remove"), strings.NewReader("user=bob"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Bearer "+f.key(t, "ann-key"))
	r.Header.Set("X-User", "ann")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	require.Equal(t, 403, rec.Code)
	require.Equal(t, 200, f.call(t, "ann", "GET", membersPath+"/bob", "").Code, "bob is still a member")
}

func TestAKeyIsReadFromTheAuthorizationHeaderOnly(t *testing.T) {
	f := newFixture(t)
	secret := f.key(t, "ada-key")
	for _, q := range []string{"?access_token=", "?key=", "?api_key=", "?token="} {
		w := f.bearer(t, "", "GET", membersPath+q+secret, "")
		require.Equal(t, 401, w.Code, q)
		require.Equal(t, rosterhttp.CodeUnauthenticated, problemOf(t, w).Code)
	}
	for _, c := range []string{"key=", "api_key=", "access_token=", "Authorization=Bearer%20"} {
		w := f.bearer(t, "", "GET", membersPath, "", "Cookie", c+secret)
		require.Equal(t, 401, w.Code, c)
	}
	for _, h := range []string{"Basic " + secret, secret, "Token " + secret} {
		w := f.bearer(t, h, "GET", membersPath, "")
		require.Equal(t, 401, w.Code, h)
	}
	w := f.bearer(t, "", "GET", membersPath, "", "X-Api-Key", secret)
	require.Equal(t, 401, w.Code)
}

func TestAHandlerWithoutKeysLeavesBearersToTheHost(t *testing.T) {
	f := newFixture(t)
	secret := f.key(t, "ada-key")
	seen := ""
	auth := rosterhttp.AuthenticatorFunc(func(r *http.Request) (rosterhttp.User, error) {
		seen = r.Header.Get("Authorization")
		return rosterhttp.User{}, rosterhttp.ErrUnauthenticated
	})
	h, err := rosterhttp.New(rosterhttp.Options{Members: f.ms, Invites: f.iv, Authenticator: auth, SignInURL: "/signin"})
	require.NoError(t, err)
	r := httptest.NewRequest("GET", f.expand(membersPath), nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, 401, w.Code)
	require.Equal(t, rosterhttp.CodeUnauthenticated, problemOf(t, w).Code)
	require.Equal(t, "Bearer "+secret, seen)
	// And serves no key endpoint.
	r = httptest.NewRequest("GET", f.expand("/roster/api/orgs/{acme}/keys"), nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, 404, w.Code)
	require.Equal(t, membership.CodeNotFound, problemOf(t, w).Code)
}

func TestTheSecretNeverReachesTheLog(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	h, err := rosterhttp.New(rosterhttp.Options{Members: f.ms, Invites: f.iv, Keys: f.ks, SignInURL: "/signin",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Authenticator: rosterhttp.AuthenticatorFunc(func(r *http.Request) (rosterhttp.User, error) {
			return rosterhttp.User{}, errorString("host identity down") // every session fails: 500, logged
		})})
	require.NoError(t, err)
	secret := f.key(t, "ada-key")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range []*http.Request{
		httptest.NewRequest("GET", f.expand(membersPath), nil),
		httptest.NewRequest("GET", f.expand(membersPath+"?key="+secret), nil),
		httptest.NewRequestWithContext(ctx, "GET", f.expand(membersPath), nil), // a failing store read
		httptest.NewRequest("GET", f.expand(membersPath), nil),
	} {
		if !strings.Contains(r.URL.RawQuery, "key=") {
			r.Header.Set("Authorization", "Bearer "+secret)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	require.NotEmpty(t, logs.String(), "the failures were logged")
	require.NotContains(t, logs.String(), secret)
	require.NotContains(t, logs.String(), secret[len(apikey.Prefix):])
}

// TestBearerKeyStoryOnEmbeddedStores walks a key's life through the API
// on memstore and on SQLite: allowed, refused by its scope, another
// organization, its member demoted, the member removed.
func TestBearerKeyStoryOnEmbeddedStores(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) store{
		"memstore": func(*testing.T) store { return memstore.New() },
		"sqlite": func(t *testing.T) store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "keys.db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixtureOn(t, open(t))
			ctx := context.Background()
			require.Equal(t, 200, f.call(t, "ada-key", "GET", membersPath, "").Code)
			require.Equal(t, 200, f.call(t, "ada-view", "GET", membersPath, "").Code)
			w := f.call(t, "ada-view", "POST", membersPath+"/bob/deactivate", "")
			require.Equal(t, membership.CodeAPIKeyScope, problemOf(t, w).Code)
			require.Equal(t, 404, f.call(t, "ada-key", "GET", "/roster/api/orgs/{other}/members", "").Code)
			_, err := f.ms.ChangeRole(ctx, "ann", f.acme.ID, "ada", roles.OrgMember)
			require.NoError(t, err)
			w = f.call(t, "ada-key", "GET", membersPath, "")
			require.Equal(t, membership.CodeForbidden, problemOf(t, w).Code, "a member holds no API access")
			require.NoError(t, f.ms.RemoveMember(ctx, "ann", f.acme.ID, "ada"))
			requireKeyRefused(t, f.call(t, "ada-key", "GET", membersPath, ""), membership.CodeAPIKeyRevoked, f.key(t, "ada-key"))
		})
	}
}
