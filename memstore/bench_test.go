package memstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// The workload benchmarks (Floor, Can through the Service, member pages,
// removals) live in internal/benchmarks; these measure the store's own part
// of a check, CheckAccess, on the same fixture.

var (
	benchOnce sync.Once
	benchSt   *memstore.Store
	benchFix  *benchmarks.Fixture
)

func benchFixture(b *testing.B) (*memstore.Store, *benchmarks.Fixture) {
	b.Helper()
	benchOnce.Do(func() {
		benchSt = memstore.New()
		f, err := benchmarks.Build(context.Background(), benchSt, 100_000, nil)
		if err != nil {
			b.Fatal(err)
		}
		benchFix = f
	})
	if benchFix == nil {
		b.Fatal("no fixture")
	}
	return benchSt, benchFix
}

// BenchmarkCheckAccess is the store's look-up behind Service.Can, without
// the catalog's bit arithmetic that follows it.
func BenchmarkCheckAccess(b *testing.B) {
	st, f := benchFixture(b)
	ctx := context.Background()
	cat := roles.Default()
	i := 12345 // a member (not a multiple of 10: not a guest)
	cases := []struct {
		name string
		user string
		ws   uuid.UUID
		want bool
	}{
		{"allow", benchmarks.UserID(i), f.Space(i, 0), true},
		{"deny", benchmarks.UserID(i), f.Spaces[(i+1)%benchmarks.Workspaces], false},
		{"org-admin", benchmarks.UserID(5), f.Spaces[3], true},
		{"non-member", "stranger", f.Spaces[0], false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var (
				a   membership.Access
				err error
			)
			for b.Loop() {
				a, err = st.CheckAccess(ctx, f.Org.ID, c.user, c.ws)
			}
			ok := err == nil && !a.Deactivated && a.WorkspaceFound &&
				cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole).Has(roles.PermView)
			if ok != c.want {
				b.Fatalf("check = %v, want %v", ok, c.want)
			}
		})
	}
}

// BenchmarkCheckAccessParallel shows that checks share no lock: ns/op
// falls with GOMAXPROCS (compare -cpu 1,2).
func BenchmarkCheckAccessParallel(b *testing.B) {
	st, f := benchFixture(b)
	ctx := context.Background()
	users := make([]string, 1024)
	for i := range users {
		users[i] = benchmarks.UserID(i * 37)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			u := i & 1023
			if _, err := st.CheckAccess(ctx, f.Org.ID, users[u], f.Space(u*37, 0)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
