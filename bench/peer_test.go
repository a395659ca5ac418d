package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
)

// sizes of the organization "acme"; 1k only under -short.
func sizes() []int {
	if testing.Short() {
		return []int{1000}
	}
	return []int{1000, 100_000}
}

func label(n int) string { return fmt.Sprintf("%dk", n/1000) }

var loaded sync.Map // int -> *Workload

// workload returns the workload of n members, loaded once per process.
func workload(tb testing.TB, n int) *Workload {
	tb.Helper()
	if v, ok := loaded.Load(n); ok {
		return v.(*Workload)
	}
	w, err := Load(context.Background(), n)
	if err != nil {
		tb.Fatalf("loading %d members: %v", n, err)
	}
	v, _ := loaded.LoadOrStore(n, w)
	return v.(*Workload)
}

func enforcer(tb testing.TB, w *Workload, kind string) Enforcer {
	tb.Helper()
	en, err := w.Enforcer(kind)
	if err != nil {
		tb.Fatal(err)
	}
	return en
}

// TestEnginesAgree asks every engine every request of every kind, plus a
// random mix in the second organization, and compares each answer with the
// workload's definition; the cached enforcers are asked twice, so that their
// cached answers are checked too.
func TestEnginesAgree(t *testing.T) {
	e := workload(t, 1000)
	f := e.Fixture
	other := &benchmarks.Fixture{N: benchmarks.OtherMembers, Spaces: f.OtherSpaces}
	sets := []struct {
		name string
		org  *membership.Organization
		qs   []benchmarks.Request
	}{{"other-org/mix", &f.Other, other.Requests("mix")}}
	for _, kind := range benchmarks.Kinds {
		sets = append(sets, struct {
			name string
			org  *membership.Organization
			qs   []benchmarks.Request
		}{kind, &f.Org, f.Requests(kind)})
	}
	ctx := context.Background()
	enforcers := []struct {
		name string
		e    Enforcer
		ask  int
	}{{CasbinPlain, enforcer(t, e, CasbinPlain), 1}, {CasbinCached, enforcer(t, e, CasbinCached), 2},
		{CasbinSynced, enforcer(t, e, CasbinSynced), 2}}
	asked := 0
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			allowed := 0
			cqs := e.Policy.Requests(set.qs)
			for j, q := range set.qs {
				if q.Want {
					allowed++
				}
				ok, err := e.Roster.Can(ctx, set.org.ID, q.UserID, q.Workspace, q.Perm)
				if ok != q.Want || err != nil {
					t.Fatalf("roster: Can(%s, %s, %s) = %v, %v; want %v", q.UserID, q.Workspace, cqs[j].Act, ok, err, q.Want)
				}
				for _, en := range enforcers {
					for range en.ask {
						ok, err := en.e.Enforce(cqs[j].Sub, cqs[j].Dom, cqs[j].Act)
						if ok != q.Want || err != nil {
							t.Fatalf("%s: Enforce(%s, %s, %s) = %v, %v; want %v", en.name, cqs[j].Sub, cqs[j].Dom, cqs[j].Act, ok, err, q.Want)
						}
					}
				}
			}
			asked += len(set.qs)
			if set.name == "other-org/mix" || set.name == "mix" {
				if allowed == 0 || allowed == len(set.qs) {
					t.Fatalf("%d of %d requests allowed: not a mix", allowed, len(set.qs))
				}
			}
		})
	}
	t.Logf("%d requests, the same answers from roster and %d Casbin enforcers", asked, len(enforcers))
}

// BenchmarkPeer times each engine on the same requests: the member's view
// in its workspace (allow), in another (deny), an owner or admin anywhere
// (org-admin) and a random mix of members, workspaces and permissions.
// The cached enforcers are timed with a warm cache, every request asked
// once before the timer starts, their best case. Each Casbin enforcer is
// loaded for its own benchmarks only, so that the heap (and the collections
// between runs) holds one at a time.
func BenchmarkPeer(b *testing.B) {
	for _, engine := range []string{"roster", CasbinPlain, CasbinCached, CasbinSynced} {
		b.Run(engine, func(b *testing.B) {
			for _, n := range sizes() {
				w := workload(b, n)
				var en Enforcer
				if engine != "roster" {
					en = enforcer(b, w, engine)
				}
				for _, kind := range benchmarks.Kinds {
					qs := w.Fixture.Requests(kind)
					b.Run(label(n)+"/"+kind, func(b *testing.B) {
						if en == nil {
							benchRoster(b, w.Roster, w.Fixture.Org, qs)
							return
						}
						benchCasbin(b, en, w.Policy.Requests(qs), qs, engine != CasbinPlain)
					})
				}
			}
		})
	}
}

func benchRoster(b *testing.B, svc *membership.Service, org membership.Organization, qs []benchmarks.Request) {
	ctx := context.Background()
	mask := len(qs) - 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&mask]
		if ok, err := svc.Can(ctx, org.ID, q.UserID, q.Workspace, q.Perm); ok != q.Want || err != nil {
			b.Fatalf("Can(%s, %s, %d) = %v, %v; want %v", q.UserID, q.Workspace, q.Perm, ok, err, q.Want)
		}
	}
}

func benchCasbin(b *testing.B, en Enforcer, cqs []CasbinRequest, qs []benchmarks.Request, warm bool) {
	if warm {
		for _, q := range cqs {
			if _, err := en.Enforce(q.Sub, q.Dom, q.Act); err != nil {
				b.Fatal(err)
			}
		}
	}
	mask := len(cqs) - 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &cqs[i&mask]
		if ok, err := en.Enforce(q.Sub, q.Dom, q.Act); ok != qs[i&mask].Want || err != nil {
			b.Fatalf("Enforce(%s, %s, %s) = %v, %v; want %v", q.Sub, q.Dom, q.Act, ok, err, qs[i&mask].Want)
		}
	}
}
