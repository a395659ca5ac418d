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

type query struct {
	user string
	ws   uuid.UUID
}

// queries returns 1024 checks of one kind spread over the members.
func queries(f *Fixture, kind string) []query {
	qs := make([]query, 1024)
	for j := range qs {
		i := 12 + (j*7919)%(f.N-12)
		switch kind {
		case "allow":
			qs[j] = query{UserID(i), f.Space(i, 0)}
		case "deny":
			qs[j] = query{UserID(i), f.Spaces[(i+1)%Workspaces]}
		case "org-admin":
			i = 2 + j%10
			qs[j] = query{UserID(i), f.Spaces[j%Workspaces]}
		}
	}
	return qs
}

type floorKey struct {
	user string
	ws   uuid.UUID
}

// BenchmarkFloor is the physical floor: a plain map from what Can is given
// to a permission set, then a bit test; no lock.
func BenchmarkFloor(b *testing.B) {
	for _, n := range sizes(b, 1_000_000) {
		b.Run(label(n), func(b *testing.B) {
			f := &Fixture{N: n, Spaces: make([]uuid.UUID, Workspaces)}
			for k := range f.Spaces {
				f.Spaces[k] = uuid.Must(uuid.NewV7())
			}
			m := make(map[floorKey]roles.PermSet, n*PerMember)
			cat := roles.Default()
			for i := range n {
				for k := range PerMember {
					m[floorKey{UserID(i), f.Space(i, k)}] = cat.WorkspacePerms(OrgRole(i), 0, WorkspaceRole(i, k))
				}
			}
			qs := queries(f, "allow")
			b.ReportAllocs()
			hits := 0
			for i := 0; b.Loop(); i++ {
				q := &qs[i&1023]
				if m[floorKey{q.user, q.ws}].Has(roles.PermView) {
					hits++
				}
			}
			if hits == 0 {
				b.Fatal("floor found nothing")
			}
		})
	}
}

// BenchmarkCan is the permission check through the Service, per store.
func BenchmarkCan(b *testing.B) {
	for _, sf := range stores(b) {
		b.Run(sf.name, func(b *testing.B) {
			for _, n := range sizes(b, sf.large) {
				bl := fixture(b, sf, n)
				svc := membership.New(bl.st, membership.Options{})
				for _, kind := range []string{"allow", "deny", "org-admin"} {
					b.Run(label(n)+"/"+kind, func(b *testing.B) {
						benchCan(b, svc, bl.f, kind)
					})
				}
			}
		})
	}
}

func benchCan(b *testing.B, svc *membership.Service, f *Fixture, kind string) {
	ctx := context.Background()
	qs := queries(f, kind)
	want := kind != "deny"
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&1023]
		ok, err := svc.Can(ctx, f.Org.ID, q.user, q.ws, roles.PermView)
		if err != nil || ok != want {
			b.Fatalf("Can(%s, %s) = %v, %v; want %v", q.user, q.ws, ok, err, want)
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
			svc := membership.New(bl.st, membership.Options{})
			qs := queries(bl.f, "allow")
			var seed atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				i := int(seed.Add(1)) * 131
				for pb.Next() {
					i++
					q := &qs[i&1023]
					if ok, err := svc.Can(ctx, bl.f.Org.ID, q.user, q.ws, roles.PermView); err != nil || !ok {
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
				svc := membership.New(bl.st, membership.Options{})
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
				svc := membership.New(bl.st, membership.Options{})
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
