package benchmarks

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// sizes are the organization sizes; 1M only without -short.
func sizes(b *testing.B, large int) []int {
	if testing.Short() {
		return []int{1000}
	}
	return []int{1000, large}
}

// checkSizes are the organization sizes of the permission check and its
// floor; only 1k under -short.
func checkSizes() []int {
	if testing.Short() {
		return []int{1000}
	}
	return []int{1000, 100_000, 1_000_000}
}

func label(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// fixtures caches one fixture per store and size for the whole run.
var fixtures sync.Map // string -> *built

type built struct {
	st membership.Store
	f  *Fixture
}

func fixture(b *testing.B, sf storeFactory, n int) *built {
	b.Helper()
	key := sf.name + "/" + label(n)
	if v, ok := fixtures.Load(key); ok {
		return v.(*built)
	}
	st := sf.open(b)
	f, err := Build(context.Background(), st, n)
	if err != nil {
		b.Fatalf("building %s: %v", key, err)
	}
	v := &built{st: st, f: f}
	fixtures.Store(key, v)
	return v
}

// BenchmarkFloor is the physical floor of BenchmarkCan: the same fixture
// and the very same request sequences, each answered by a map probe and a
// bit test (floor_test.go). It runs just before BenchmarkCan, on the same
// heap. BenchmarkCan/memstore/{size}/{kind} divided by
// BenchmarkFloor/{size}/{kind} is what a check costs beyond the floor.
func BenchmarkFloor(b *testing.B) {
	sf := memstoreFactory(b)
	for _, n := range checkSizes() {
		bl := fixture(b, sf, n)
		table := floorOf(bl.f)
		for _, kind := range Kinds {
			qs := requests(bl.f, kind)
			b.Run(label(n)+"/"+kind, func(b *testing.B) { benchFloor(b, table, qs) })
		}
	}
}

// BenchmarkCan is the permission check through the Service, per store, on
// the request sequences of BenchmarkFloor (Fixture.Requests).
func BenchmarkCan(b *testing.B) {
	for _, sf := range stores(b) {
		b.Run(sf.name, func(b *testing.B) {
			for _, n := range checkSizes() {
				if n > sf.large {
					continue
				}
				bl := fixture(b, sf, n)
				svc, err := membership.New(bl.st, membership.Options{})
				if err != nil {
					b.Fatal(err)
				}
				for _, kind := range Kinds {
					qs := requests(bl.f, kind)
					b.Run(label(n)+"/"+kind, func(b *testing.B) { benchCan(b, svc, bl.f, qs) })
				}
			}
		})
	}
}

// benchCan is the timed loop of a check, shaped like benchFloor's.
func benchCan(b *testing.B, svc *membership.Service, f *Fixture, qs []Request) {
	ctx := context.Background()
	org := f.Org.ID
	mask := len(qs) - 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&mask]
		if ok, err := svc.Can(ctx, org, q.UserID, q.Workspace, q.Perm); ok != q.Want || err != nil {
			b.Fatalf("Can(%s, %s, %d) = %v, %v; want %v", q.UserID, q.Workspace, q.Perm, ok, err, q.Want)
		}
	}
}

// BenchmarkCanParallel runs the allowed check on every core.
func BenchmarkCanParallel(b *testing.B) {
	for _, sf := range stores(b) {
		if !sf.parallel {
			continue
		}
		b.Run(sf.name, func(b *testing.B) {
			bl := fixture(b, sf, 1000)
			svc, err := membership.New(bl.st, membership.Options{})
			if err != nil {
				b.Fatal(err)
			}
			qs := requests(bl.f, "allow")
			var seed atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				i := int(seed.Add(1)) * 131
				for pb.Next() {
					i++
					q := &qs[i&(len(qs)-1)]
					if ok, err := svc.Can(ctx, bl.f.Org.ID, q.UserID, q.Workspace, q.Perm); err != nil || !ok {
						b.Errorf("Can = %v, %v", ok, err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkListMembers reads a page of 50 members at the start and at about
// 90 % of the organization.
func BenchmarkListMembers(b *testing.B) {
	ctx := context.Background()
	for _, sf := range stores(b) {
		b.Run(sf.name, func(b *testing.B) {
			for _, n := range sizes(b, sf.large) {
				bl := fixture(b, sf, n)
				svc, err := membership.New(bl.st, membership.Options{})
				if err != nil {
					b.Fatal(err)
				}
				deep := storage.Page{After: storage.Cursor(UserID(n * 9 / 10)), Limit: 50}
				for _, p := range []struct {
					name string
					page storage.Page
				}{{"first", storage.Page{Limit: 50}}, {"deep", deep}} {
					b.Run(label(n)+"/"+p.name, func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							ms, _, err := svc.Members(ctx, UserID(0), bl.f.Org.ID, membership.MemberFilter{}, p.page)
							if err != nil || len(ms) != 50 {
								b.Fatalf("Members = %d, %v", len(ms), err)
							}
						}
					})
				}
			}
		})
	}
}

// BenchmarkRemoveMember removes a member holding 3 workspaces, in
// organizations of 1k and 100k members; re-adding it is outside the timer.
func BenchmarkRemoveMember(b *testing.B) {
	ctx := context.Background()
	for _, sf := range stores(b) {
		b.Run(sf.name, func(b *testing.B) {
			for _, n := range []int{1000, 100_000} {
				if testing.Short() && n > 1000 {
					continue
				}
				bl := fixture(b, sf, n)
				svc, err := membership.New(bl.st, membership.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.Run(label(n), func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						i++
						user := fmt.Sprintf("removable-%d", i)
						b.StopTimer()
						_, err := svc.AddMember(ctx, UserID(0), bl.f.Org.ID, membership.NewMember{UserID: user, Email: user + "@acme.com",
							Workspaces: map[uuid.UUID]roles.Role{bl.f.Spaces[0]: roles.WorkspaceViewer,
								bl.f.Spaces[1]: roles.WorkspaceContributor, bl.f.Spaces[2]: roles.WorkspaceAdmin}})
						if err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						if err := svc.RemoveMember(ctx, UserID(0), bl.f.Org.ID, user); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
