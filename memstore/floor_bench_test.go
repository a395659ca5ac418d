package memstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// BenchmarkCanFloor measures Service.Can over memstore beside the physical
// floor, on the same requests in the same process: the floor is a plain Go
// map from what Can is given (user ID and workspace ID) to the member's
// permission set there, with a row for every workspace an owner or admin
// holds implicitly, then a bit test. Compare the two figures of one kind
// and size in one run; their ratio is what the check costs beyond a map
// probe.
//
// Each kind is a fixed sequence of requests over random members, long
// enough that at 1M members the working set does not fit in the caches:
// allow (a member's permission in one of its workspaces), deny (a
// workspace it has no access to), org-admin (owners and admins in any
// workspace) and mix (random member, workspace and workspace permission).
func BenchmarkCanFloor(b *testing.B) {
	for _, n := range floorSizes() {
		fx := floorFixture(b, n)
		for _, kind := range []string{"allow", "deny", "org-admin", "mix"} {
			qs := fx.requests(kind)
			b.Run(fmt.Sprintf("%s/%s/floor", sizeLabel(n), kind), func(b *testing.B) {
				b.ReportAllocs()
				hits := 0
				for i := 0; b.Loop(); i++ {
					q := &qs[i&(len(qs)-1)]
					if fx.floor[floorKey{q.user, q.ws}].Has(q.perm) {
						hits++
					}
				}
				if hits == 0 && kind != "deny" {
					b.Fatal("floor allowed nothing")
				}
			})
			b.Run(fmt.Sprintf("%s/%s/roster", sizeLabel(n), kind), func(b *testing.B) {
				ctx := context.Background()
				org := fx.f.Org.ID
				b.ReportAllocs()
				hits := 0
				for i := 0; b.Loop(); i++ {
					q := &qs[i&(len(qs)-1)]
					ok, err := fx.svc.Can(ctx, org, q.user, q.ws, q.perm)
					if err != nil {
						b.Fatal(err)
					}
					if ok {
						hits++
					}
				}
				if hits == 0 && kind != "deny" {
					b.Fatal("Can allowed nothing")
				}
			})
		}
	}
}

// BenchmarkCanFloorPaired runs the requests of BenchmarkCanFloor through
// the floor and through Can in alternating chunks of 256, each side first
// in every other chunk (so that neither finds the requests in the cache
// for it), times each chunk, and reports the median chunk of each side
// per request and their ratio (roster/floor). On a shared machine whose
// load changes from one millisecond to the next, the pairing and the
// medians keep the ratio fair where separate benchmarks would not.
func BenchmarkCanFloorPaired(b *testing.B) {
	for _, n := range floorSizes() {
		fx := floorFixture(b, n)
		for _, kind := range []string{"allow", "deny", "org-admin", "mix"} {
			qs := fx.requests(kind)
			b.Run(fmt.Sprintf("%s/%s", sizeLabel(n), kind), func(b *testing.B) {
				const chunk = 256
				ctx := context.Background()
				org := fx.f.Org.ID
				var floorNs, rosterNs [4096]time.Duration // the last chunks' times
				hits := 0
				floor := func(part []floorRequest) time.Duration {
					t0 := time.Now()
					for j := range part {
						q := &part[j]
						if fx.floor[floorKey{q.user, q.ws}].Has(q.perm) {
							hits++
						}
					}
					return time.Since(t0)
				}
				roster := func(part []floorRequest) time.Duration {
					t0 := time.Now()
					for j := range part {
						q := &part[j]
						if ok, _ := fx.svc.Can(ctx, org, q.user, q.ws, q.perm); ok {
							hits--
						}
					}
					return time.Since(t0)
				}
				b.ReportAllocs()
				i := 0
				for ; b.Loop(); i++ {
					part := qs[(i*chunk)&(len(qs)-1):][:chunk]
					k := i % len(floorNs)
					if i&1 == 0 {
						floorNs[k] = floor(part)
						rosterNs[k] = roster(part)
					} else {
						rosterNs[k] = roster(part)
						floorNs[k] = floor(part)
					}
				}
				if hits != 0 {
					b.Fatalf("floor and Can disagree on %d requests", hits)
				}
				m := min(i, len(floorNs))
				f, r := median(floorNs[:m]), median(rosterNs[:m])
				b.ReportMetric(float64(f)/chunk, "floor-ns/req")
				b.ReportMetric(float64(r)/chunk, "roster-ns/req")
				b.ReportMetric(float64(r)/float64(f), "ratio")
			})
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkCanFloorParallel is the mix of BenchmarkCanFloor on every core:
// compare -cpu 1,2. Checks share no lock, so ns/op should fall with the
// cores as the floor's does.
func BenchmarkCanFloorParallel(b *testing.B) {
	for _, n := range floorSizes() {
		fx := floorFixture(b, n)
		qs := fx.requests("mix")
		b.Run(sizeLabel(n)+"/floor", func(b *testing.B) {
			var seed atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i, hits := int(seed.Add(1))*7919, 0
				for pb.Next() {
					i++
					q := &qs[i&(len(qs)-1)]
					if fx.floor[floorKey{q.user, q.ws}].Has(q.perm) {
						hits++
					}
				}
				_ = hits
			})
		})
		b.Run(sizeLabel(n)+"/roster", func(b *testing.B) {
			var seed atomic.Int64
			org := fx.f.Org.ID
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				i := int(seed.Add(1)) * 7919
				for pb.Next() {
					i++
					q := &qs[i&(len(qs)-1)]
					if _, err := fx.svc.Can(ctx, org, q.user, q.ws, q.perm); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestCanFloorAgrees checks that the floor the benchmarks compare with
// answers every benchmark request as Can does.
func TestCanFloorAgrees(t *testing.T) {
	fx := floorFixture(t, 1000)
	ctx := context.Background()
	for _, kind := range []string{"allow", "deny", "org-admin", "mix"} {
		for _, q := range fx.requests(kind) {
			want := fx.floor[floorKey{q.user, q.ws}].Has(q.perm)
			got, err := fx.svc.Can(ctx, fx.f.Org.ID, q.user, q.ws, q.perm)
			if err != nil || got != want {
				t.Fatalf("%s: Can(%s, %s, %s) = %v, %v; floor says %v", kind, q.user, q.ws, q.perm, got, err, want)
			}
		}
	}
}

func floorSizes() []int {
	if testing.Short() {
		return []int{1000, 100_000}
	}
	return []int{1000, 100_000, 1_000_000}
}

func sizeLabel(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

type floorKey struct {
	user string
	ws   uuid.UUID
}

type floorRequest struct {
	user string
	ws   uuid.UUID
	perm roles.Permission
}

type floorFix struct {
	f     *benchmarks.Fixture
	svc   *membership.Service
	floor map[floorKey]roles.PermSet

	mu   sync.Mutex
	reqs map[string][]floorRequest
}

var floorFixtures sync.Map // int -> *floorFix

// floorFixture builds, once per size, the workload's organization in a
// memstore, a Service over it, and the floor map of the same members.
func floorFixture(tb testing.TB, n int) *floorFix {
	tb.Helper()
	if v, ok := floorFixtures.Load(n); ok {
		return v.(*floorFix)
	}
	st := memstore.New()
	f, err := benchmarks.Build(context.Background(), st, n, nil)
	if err != nil {
		tb.Fatal(err)
	}
	cat := roles.Default()
	svc, err := membership.New(st, membership.Options{Roles: cat})
	if err != nil {
		tb.Fatal(err)
	}
	fx := &floorFix{f: f, svc: svc,
		floor: make(map[floorKey]roles.PermSet, n*benchmarks.PerMember+12*benchmarks.Workspaces),
		reqs:  map[string][]floorRequest{}}
	for i := range n {
		u := benchmarks.UserID(i)
		role := benchmarks.OrgRole(i)
		if def, _ := cat.OrgRole(role); def.AllWorkspaces {
			for _, ws := range f.Spaces {
				fx.floor[floorKey{u, ws}] = cat.WorkspacePerms(role, 0, "")
			}
			continue
		}
		for k := range benchmarks.PerMember {
			fx.floor[floorKey{u, f.Space(i, k)}] = cat.WorkspacePerms(role, 0, benchmarks.WorkspaceRole(i, k))
		}
	}
	for _, kind := range []string{"allow", "deny", "org-admin", "mix"} {
		fx.requests(kind)
	}
	runtime.GC() // the build's garbage, so that no collection runs in the timings
	v, _ := floorFixtures.LoadOrStore(n, fx)
	return v.(*floorFix)
}

// floorPerms are the workspace permissions the mix asks for.
var floorPerms = []roles.Permission{roles.PermView, roles.PermComment, roles.PermUploadVideo, roles.PermEdit,
	roles.PermShare, roles.PermDelete, roles.PermViewAnalytics, roles.PermManagePeople}

// requests returns the fixed request sequence of kind: 1<<16 requests, a
// power of two so that benchmarks index it with a mask. Each request's user
// ID is a string of its own, as a caller's would be, so that neither side
// compares keys by pointer.
func (fx *floorFix) requests(kind string) []floorRequest {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if qs, ok := fx.reqs[kind]; ok {
		return qs
	}
	f, n := fx.f, fx.f.N
	r := rand.New(rand.NewPCG(uint64(n), uint64(len(kind))))
	qs := make([]floorRequest, 1<<16)
	for j := range qs {
		i := 12 + r.IntN(n-12) // not an owner or admin
		switch kind {
		case "allow":
			qs[j] = floorRequest{benchmarks.UserID(i), f.Space(i, r.IntN(benchmarks.PerMember)), roles.PermView}
		case "deny":
			qs[j] = floorRequest{benchmarks.UserID(i), f.Spaces[(i+1)%benchmarks.Workspaces], roles.PermView}
		case "org-admin":
			qs[j] = floorRequest{benchmarks.UserID(r.IntN(12)), f.Spaces[r.IntN(benchmarks.Workspaces)], roles.PermManagePeople}
		case "mix":
			i = r.IntN(n)
			ws := f.Spaces[r.IntN(benchmarks.Workspaces)]
			if r.IntN(2) == 0 {
				ws = f.Space(i, r.IntN(benchmarks.PerMember))
			}
			qs[j] = floorRequest{benchmarks.UserID(i), ws, floorPerms[r.IntN(len(floorPerms))]}
		}
	}
	fx.reqs[kind] = qs
	return qs
}
