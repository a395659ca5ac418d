package benchmarks

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
)

// Store is what the workload runs on: a store of both services.
type Store interface {
	membership.Store
	invite.Store
}

// Target is one store the workload measures. Its Name is the store's
// element in every benchmark name (Can/<Name>/1k/allow), which
// internal/benchtable reads.
type Target struct {
	// Name is "memstore", "sqlite", "postgres", "mysql" or "galera".
	Name string
	// Large is the largest organization measured on the store: 1M where a
	// fixture of a million members can be built in reasonable time.
	Large int
	// Parallel runs CanParallel on the store.
	Parallel bool
	// Open returns the store every benchmark of the run shares; it is
	// called once per run.
	Open func(b *testing.B) Store
	// Load writes the fixture's rows (nil: the store's own methods).
	Load Loader
	// Built, when set, runs after each fixture is written (a SQL store
	// refreshes its planner's statistics).
	Built func(ctx context.Context, st Store) error
	// Invite, when set, returns the store the invitation benchmarks run on
	// (Open's otherwise), with a function that returns the statements and
	// transactions it ran so far, reported per operation.
	Invite func(b *testing.B) (st Store, counts func() (stmts, txs int64))
}

// Built is the fixture of one size on one target, with a Service over it.
type Built struct {
	St  Store               // the target's store
	F   *Fixture            // the fixture written into it
	Svc *membership.Service // a Service over St, with the default options
}

// Workload runs the benchmarks of the workload on targets, building each
// store and fixture once per run. Its zero value is ready.
type Workload struct {
	mu       sync.Mutex
	stores   map[string]Store
	built    map[string]*Built
	requests map[requestKey][]Request
}

type requestKey struct {
	f    *Fixture
	kind string
}

// Store returns t's store, opening it the first time.
func (w *Workload) Store(b *testing.B, t Target) Store {
	b.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if st := w.stores[t.Name]; st != nil {
		return st
	}
	st := t.Open(b)
	if w.stores == nil {
		w.stores = map[string]Store{}
	}
	w.stores[t.Name] = st
	return st
}

// Fixture returns the fixture of n members on t, building it the first
// time.
func (w *Workload) Fixture(b *testing.B, t Target, n int) *Built {
	b.Helper()
	st := w.Store(b, t)
	key := t.Name + "/" + Label(n)
	w.mu.Lock()
	defer w.mu.Unlock()
	if bl := w.built[key]; bl != nil {
		return bl
	}
	f, err := Build(context.Background(), st, n, t.Load)
	if err == nil && t.Built != nil {
		err = t.Built(context.Background(), st)
	}
	if err != nil {
		b.Fatalf("building %s: %v", key, err)
	}
	svc, err := membership.New(st, membership.Options{})
	if err != nil {
		b.Fatal(err)
	}
	bl := &Built{St: st, F: f, Svc: svc}
	if w.built == nil {
		w.built = map[string]*Built{}
	}
	w.built[key] = bl
	return bl
}

// Requests returns the request sequence of kind on f, made once, so that
// every benchmark on f (the floor and Can) reads the very same requests,
// user ID strings included.
func (w *Workload) Requests(f *Fixture, kind string) []Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := requestKey{f, kind}
	if qs, ok := w.requests[key]; ok {
		return qs
	}
	qs := f.Requests(kind)
	if w.requests == nil {
		w.requests = map[requestKey][]Request{}
	}
	w.requests[key] = qs
	return qs
}

// Sizes are the organization sizes of the list benchmarks on a store
// whose largest is large; 1k only under -short.
func Sizes(large int) []int {
	if testing.Short() {
		return []int{1000}
	}
	return []int{1000, large}
}

// CheckSizes are the organization sizes of the permission check and its
// floor; 1k only under -short.
func CheckSizes() []int {
	if testing.Short() {
		return []int{1000}
	}
	return []int{1000, 100_000, 1_000_000}
}

// Label names a size in benchmark names: 1k, 100k, 1M.
func Label(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
