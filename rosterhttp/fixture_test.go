package rosterhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/stretchr/testify/require"
)

// people are the fixture's users, by ID: signed in with the X-User
// header.
var people = map[string]rosterhttp.User{
	"ann":  {ID: "ann", Email: "ann@acme.com", EmailVerified: true, Name: "Ann Owner"},
	"ada":  {ID: "ada", Email: "ada@acme.com", EmailVerified: true, Name: "Ada Admin"},
	"bob":  {ID: "bob", Email: "bob@acme.com", EmailVerified: true, Name: "Bob Member"},
	"gus":  {ID: "gus", Email: "gus@partner.io", EmailVerified: true, Name: "Gus Guest"},
	"carl": {ID: "carl", Email: "carl@acme.com", EmailVerified: true, Name: "Carl New"},
	"eve":  {ID: "eve", Email: "eve@evil.io", EmailVerified: true, Name: "Eve Stranger"},
	"oz":   {ID: "oz", Email: "oz@other.org", EmailVerified: true, Name: "Oz Other"},
}

// headerAuth is the test's identity provider: the X-User header names a
// user of people.
var headerAuth = rosterhttp.AuthenticatorFunc(func(r *http.Request) (rosterhttp.User, error) {
	u, ok := people[r.Header.Get("X-User")]
	if !ok {
		return rosterhttp.User{}, rosterhttp.ErrUnauthenticated
	}
	return u, nil
})

// fixture is two organizations behind one handler: Acme (ann owner, ada
// admin, bob member with Marketing, gus guest, a pending invitation of
// carl, a link) and Other (oz owner, its own workspace, invitation and
// link), whose IDs Acme's users must never reach.
type fixture struct {
	ms                  *membership.Service
	iv                  *invite.Service
	ks                  *apikey.Service
	st                  store
	h                   *rosterhttp.Handler
	srv                 http.Handler
	acme                membership.Organization
	other               membership.Organization
	ws                  membership.Workspace // Acme's Marketing
	otherWS             membership.Workspace
	inv                 uuid.UUID // carl's pending invitation in Acme
	carlTok             string
	link                uuid.UUID
	otherInv, otherLink uuid.UUID
	keys                map[string]string    // secrets of the keys made by key, by name
	keyIDs              map[string]uuid.UUID // and their IDs
}

// services builds the library's services: the one place they are made.
// change, if given, adjusts the invite options.
// st nil means a new memstore.
func services(t testing.TB, st store, change ...func(*invite.Options)) (*membership.Service, *invite.Service) {
	if st == nil {
		st = memstore.New()
	}
	ms, err := membership.New(st, membership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := invite.Options{Key: bytes.Repeat([]byte{7}, 32), BaseURL: rosterhttp.AcceptURL("http://localhost", "")}
	for _, c := range change {
		c(&o)
	}
	iv, err := invite.New(ms, o)
	if err != nil {
		t.Fatal(err)
	}
	return ms, iv
}

// store is what memstore and sqlstore both are.
type store interface {
	membership.Store
	invite.Store
	apikey.Store
}

func newFixture(t testing.TB) *fixture { return newFixtureOn(t, nil) }

// newFixtureOn builds the fixture on st (nil: a new memstore).
func newFixtureOn(t testing.TB, st store, change ...func(*invite.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{keys: map[string]string{}, keyIDs: map[string]uuid.UUID{}}
	if st == nil {
		st = memstore.New()
	}
	f.st = st
	f.ms, f.iv = services(t, st, change...)
	var err error
	f.ks, err = apikey.New(f.ms, apikey.Options{})
	require.NoError(t, err)
	f.acme, err = f.ms.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme",
		OwnerEmail: "ann@acme.com", OwnerName: "Ann Owner", Settings: membership.Settings{Domains: []string{"acme.com"}}})
	require.NoError(t, err)
	f.ws, err = f.ms.CreateWorkspace(ctx, "ann", f.acme.ID, "Marketing")
	require.NoError(t, err)
	for _, nm := range []membership.NewMember{
		{UserID: "ada", Email: "ada@acme.com", Name: "Ada Admin", Role: roles.OrgAdmin},
		{UserID: "bob", Email: "bob@acme.com", Name: "Bob Member", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{f.ws.ID: roles.WorkspaceContributor}},
		{UserID: "gus", Email: "gus@partner.io", Name: "Gus Guest"},
	} {
		_, err = f.ms.AddMember(ctx, "ann", f.acme.ID, nm)
		require.NoError(t, err)
	}
	res, err := f.iv.Invite(ctx, "ann", f.acme.ID, invite.Request{Emails: "carl@acme.com", Role: roles.OrgMember})
	require.NoError(t, err)
	f.inv, f.carlTok = res.Addresses[0].Invitation.ID, res.Addresses[0].Token
	l, _, err := f.iv.CreateLink(ctx, "ann", f.acme.ID, invite.NewLink{Role: roles.OrgMember})
	require.NoError(t, err)
	f.link = l.ID

	f.other, err = f.ms.CreateOrganization(ctx, "oz", membership.NewOrganization{Name: "Other", Slug: "other", OwnerEmail: "oz@other.org"})
	require.NoError(t, err)
	f.otherWS, err = f.ms.CreateWorkspace(ctx, "oz", f.other.ID, "Secret")
	require.NoError(t, err)
	res, err = f.iv.Invite(ctx, "oz", f.other.ID, invite.Request{Emails: "zed@other.org"})
	require.NoError(t, err)
	f.otherInv = res.Addresses[0].Invitation.ID
	l, _, err = f.iv.CreateLink(ctx, "oz", f.other.ID, invite.NewLink{})
	require.NoError(t, err)
	f.otherLink = l.ID

	f.h, err = rosterhttp.New(rosterhttp.Options{Members: f.ms, Invites: f.iv, Keys: f.ks, Authenticator: headerAuth, SignInURL: "/signin"})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/roster/", f.h)
	f.srv = mux
	return f
}

// expand replaces {acme} {other} {ws} {otherws} {inv} {link} {otherinv}
// {otherlink} {carltok} and {adakey} (the ID of the key "ada-key", once
// made) in a path or body.
func (f *fixture) expand(s string) string {
	return strings.NewReplacer("{adakey}", f.keyIDs["ada-key"].String(), "{acme}", f.acme.ID.String(), "{other}", f.other.ID.String(),
		"{ws}", f.ws.ID.String(), "{otherws}", f.otherWS.ID.String(), "{inv}", f.inv.String(),
		"{link}", f.link.String(), "{otherinv}", f.otherInv.String(), "{otherlink}", f.otherLink.String(),
		"{carltok}", f.carlTok).Replace(s)
}

// keySpecs are the keys the fixture makes on first use, by name: whose
// key (in Acme, Other for oz) and its scope ("ws" is Marketing).
var keySpecs = map[string]struct {
	user  string
	perms []roles.Permission
	ws    bool
}{
	"ann-key":    {user: "ann"},
	"ada-key":    {user: "ada"},
	"ada-view":   {user: "ada", perms: []roles.Permission{roles.PermViewMembers}},
	"ada-ws":     {user: "ada", ws: true},
	"ada-people": {user: "ada", perms: []roles.Permission{roles.PermManagePeople, roles.PermView, roles.PermComment}, ws: true},
	"ada-invite": {user: "ada", perms: []roles.Permission{roles.PermInvite}},
	"ada-inviter": {user: "ada", perms: []roles.Permission{roles.PermInvite, roles.PermViewMembers,
		roles.PermView, roles.PermComment}},
	"ada-manager":  {user: "ada", perms: []roles.Permission{roles.PermManageMembers, roles.PermViewMembers}},
	"ann-settings": {user: "ann", perms: []roles.Permission{roles.PermManageSettings}},
	"oz-key":       {user: "oz"},
}

// key returns the secret of the fixture's key name (keySpecs), made on
// first use.
func (f *fixture) key(t testing.TB, name string) string {
	t.Helper()
	if s, ok := f.keys[name]; ok {
		return s
	}
	spec, ok := keySpecs[name]
	require.True(t, ok, "no key %q", name)
	org := f.acme.ID
	if spec.user == "oz" {
		org = f.other.ID
	}
	nk := apikey.NewKey{Name: name, Scope: apikey.Scope{Perms: roles.Grants(spec.perms...)}}
	if spec.ws {
		nk.Scope.Workspace = f.ws.ID
	}
	c, err := f.ks.Create(context.Background(), spec.user, org, nk)
	require.NoError(t, err)
	f.keys[name], f.keyIDs[name] = c.Secret, c.Key.ID
	return c.Secret
}

// call sends one request as user ("" for nobody) and returns the
// recorder. A user named like a key of keySpecs ("ada-key") presents that
// key instead of a session.
func (f *fixture) call(t testing.TB, user, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	if strings.Contains(path, "{adakey}") {
		f.key(t, "ada-key")
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(f.expand(body))
	}
	r := httptest.NewRequest(method, f.expand(path), rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if _, isKey := keySpecs[user]; isKey {
		r.Header.Set("Authorization", "Bearer "+f.key(t, user))
	} else if user != "" {
		r.Header.Set("X-User", user)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// problemOf decodes a problem+json answer.
func problemOf(t testing.TB, w *httptest.ResponseRecorder) rosterhttp.Problem {
	t.Helper()
	require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), w.Body.String())
	var p rosterhttp.Problem
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
	require.Equal(t, w.Code, p.Status)
	return p
}

func decode[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v), w.Body.String())
	return v
}
