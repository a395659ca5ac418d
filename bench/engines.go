package bench

import (
	"context"
	"fmt"

	"github.com/casbin/casbin/v2"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
)

// Workload is the workload of one size in Roster, and its rules for Casbin.
type Workload struct {
	Fixture *benchmarks.Fixture
	Roster  *membership.Service // over memstore
	Policy  *Policy
}

// Load builds the workload of n members into memstore (through its Store
// interface, as internal/benchmarks does) and writes the same rules for
// Casbin.
func Load(ctx context.Context, n int) (*Workload, error) {
	st := memstore.New()
	f, err := benchmarks.Build(ctx, st, n, nil)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	return &Workload{Fixture: f, Roster: m, Policy: NewPolicy(f)}, nil
}

// Enforcer is what the Casbin enforcers compared have in common.
type Enforcer interface {
	Enforce(rvals ...any) (bool, error)
}

// Casbin engines by name.
const (
	CasbinPlain  = "casbin"        // casbin.Enforcer
	CasbinCached = "casbin-cached" // casbin.CachedEnforcer
	CasbinSynced = "casbin-synced" // casbin.SyncedCachedEnforcer
)

// Enforcer loads w's rules into a new Casbin enforcer of the named kind.
// Each holds its own copy of the rules (at 100k members, hundreds of
// megabytes): load one at a time and drop it when done.
func (w *Workload) Enforcer(kind string) (Enforcer, error) {
	m, err := CasbinModel()
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	switch kind {
	case CasbinPlain:
		return casbin.NewEnforcer(m, w.Policy)
	case CasbinCached:
		return casbin.NewCachedEnforcer(m, w.Policy)
	case CasbinSynced:
		return casbin.NewSyncedCachedEnforcer(m, w.Policy)
	}
	return nil, fmt.Errorf("bench: no Casbin enforcer %q", kind)
}
