package bench

import (
	"context"
	"fmt"

	"github.com/casbin/casbin/v2"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
)

// Engines are the workload of one size, loaded into each engine compared.
type Engines struct {
	Fixture *benchmarks.Fixture
	Roster  *membership.Service // over memstore
	Policy  *Policy
	Casbin  *casbin.Enforcer
	Cached  *casbin.CachedEnforcer
	Synced  *casbin.SyncedCachedEnforcer
}

// Load builds the workload of n members into memstore (through its Store
// interface, as internal/benchmarks does) and the same rules into three
// Casbin enforcers.
func Load(ctx context.Context, n int) (*Engines, error) {
	st := memstore.New()
	f, err := benchmarks.Build(ctx, st, n)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	e := &Engines{Fixture: f, Roster: membership.New(st, membership.Options{}), Policy: NewPolicy(f)}
	if e.Casbin, err = casbin.NewEnforcer(mustModel(), e.Policy); err != nil {
		return nil, fmt.Errorf("casbin: %w", err)
	}
	if e.Cached, err = casbin.NewCachedEnforcer(mustModel(), e.Policy); err != nil {
		return nil, fmt.Errorf("casbin cached: %w", err)
	}
	if e.Synced, err = casbin.NewSyncedCachedEnforcer(mustModel(), e.Policy); err != nil {
		return nil, fmt.Errorf("casbin synced cached: %w", err)
	}
	return e, nil
}

func mustModel() any {
	m, err := CasbinModel()
	if err != nil {
		panic("bench: the Casbin model does not parse: " + err.Error())
	}
	return m
}
