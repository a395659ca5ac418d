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
	b.Run("api", func(b *testing.B) {
		path := f.expand("/roster/api/orgs/{acme}/members?limit=50")
		b.ReportAllocs()
		for b.Loop() {
			f.serve(b, "", "GET", path, "", 200)
		}
	})
	b.Run("api-key", func(b *testing.B) {
		path := f.expand("/roster/api/orgs/{acme}/members?limit=50")
		auth := "Bearer " + f.key(b, "ann-key")
		b.ReportAllocs()
		for b.Loop() {
			f.serve(b, auth, "GET", path, "", 200)
		}
	})
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
