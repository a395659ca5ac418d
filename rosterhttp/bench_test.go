package rosterhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/sqlstore/sqlite"
	"github.com/rosterkit/roster/storage"
)

// benchFixture is the test fixture with 60 more members in Acme, so a page
// holds 50, and no daily invitation quota.
func benchFixture(b *testing.B, st store) *fixture {
	f := newFixtureOn(b, st, func(o *invite.Options) { o.InvitesPerDay, o.InvitesPerInviterPerDay = -1, -1 })
	for i := range 60 {
		id := fmt.Sprintf("user-%02d", i)
		_, err := f.ms.AddMember(context.Background(), "ann", f.acme.ID, membership.NewMember{UserID: id,
			Email: id + "@acme.com", Name: "User " + id, Role: roles.OrgMember})
		if err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// serve sends one request as ann, or with authorization (a bearer key)
// when it is not "", and fails b unless it gets want.
func (f *fixture) serve(b *testing.B, authorization, method, path, body string, want int) {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	} else {
		r.Header.Set("X-User", "ann")
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
}

// connWriter is a ResponseWriter as a server's connection is to a handler:
// its header map is reused from request to request and the body is
// streamed out (here counted), not kept. A benchmark that uses it, and
// builds its request once, times the handler and not httptest's recorder
// or request parser, which a server does not run.
type connWriter struct {
	header http.Header
	status int
	n      int
}

func (w *connWriter) Header() http.Header { return w.header }

func (w *connWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *connWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

// handle sends r again to f's handler, as ann unless r carries a bearer
// key, and fails b unless it gets want and a body.
func (f *fixture) handle(b *testing.B, w *connWriter, r *http.Request, want int) {
	clear(w.header)
	w.status, w.n = 0, 0
	f.srv.ServeHTTP(w, r)
	if w.status != want || w.n == 0 {
		b.Fatalf("%s %s: %d, %d bytes", r.Method, r.URL, w.status, w.n)
	}
}

// request is a GET of path as ann, or with authorization when it is not "".
func request(path, authorization string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	} else {
		r.Header.Set("X-User", "ann")
	}
	return r
}

// BenchmarkMembersPage lists a page of 50 members with their workspace
// roles: the library call, the same through the JSON API with the host's
// session and with ann's API key (which adds the key's look-up and its
// check against ann's permissions and its scope), and the Members tab's
// whole HTML page (which also reads seats, invitations and workspaces).
func BenchmarkMembersPage(b *testing.B) {
	onStores(b, benchMembersPage)
}

// onStores runs a benchmark on memstore and on SQLite (the embedded
// default), each in its own sub-benchmark.
func onStores(b *testing.B, fn func(b *testing.B, f *fixture)) {
	b.Run("memstore", func(b *testing.B) { fn(b, benchFixture(b, nil)) })
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		fn(b, benchFixture(b, st))
	})
}

func benchMembersPage(b *testing.B, f *fixture) {
	ctx := context.Background()
	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			vs, _, err := f.ms.MemberViews(ctx, "ann", f.acme.ID, membership.MemberFilter{}, storage.Page{Limit: 50})
			if err != nil || len(vs) != 50 {
				b.Fatal(err, len(vs))
			}
		}
	})
	path := f.expand("/roster/api/orgs/{acme}/members?limit=50")
	for _, c := range []struct{ name, auth string }{{"api", ""}, {"api-key", "Bearer " + f.key(b, "ann-key")}} {
		b.Run(c.name, func(b *testing.B) {
			w, r := &connWriter{header: http.Header{}}, request(path, c.auth)
			b.ReportAllocs()
			for b.Loop() {
				f.handle(b, w, r, 200)
			}
		})
		// The same with httptest's recorder and a request parsed each
		// time: what the handler costs plus what httptest costs.
		b.Run(c.name+"-httptest", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.serve(b, c.auth, "GET", path, "", 200)
			}
		})
	}
	b.Run("tab", func(b *testing.B) {
		path := f.expand("/roster/orgs/{acme}/members")
		b.ReportAllocs()
		for b.Loop() {
			f.serve(b, "", "GET", path, "", 200)
		}
	})
}

// BenchmarkInviteBatch sends a batch of 10 new addresses: the library call
// and the same through the JSON API.
func BenchmarkInviteBatch(b *testing.B) {
	onStores(b, benchInviteBatch)
}

func benchInviteBatch(b *testing.B, f *fixture) {
	ctx := context.Background()
	batch := func(prefix string, n int) string {
		var sb strings.Builder
		for i := range 10 {
			fmt.Fprintf(&sb, "%s%d-%d@acme.com ", prefix, n, i)
		}
		return sb.String()
	}
	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			res, err := f.iv.Invite(ctx, "ann", f.acme.ID, invite.Request{Emails: batch("lib", n), Role: roles.OrgMember})
			if err != nil || len(res.Addresses) != 10 {
				b.Fatal(err)
			}
		}
	})
	b.Run("api", func(b *testing.B) {
		path := f.expand("/roster/api/orgs/{acme}/invitations")
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			f.serve(b, "", "POST", path, `{"emails":"`+batch("api", n)+`","role":"member"}`, 201)
		}
	})
}
