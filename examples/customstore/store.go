package main

import (
	"context"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// CountingStore is a host's own store: it wraps memstore and counts the
// permission look-ups and member writes that pass through it. A host would do
// the same to add caching, metrics or tracing in front of any store, or
// implement every method over its own database instead.
type CountingStore struct {
	*memstore.Store
	checks, writes atomic.Int64
}

// NewCountingStore returns a CountingStore over a fresh memstore.
func NewCountingStore() *CountingStore { return &CountingStore{Store: memstore.New()} }

// CheckAccess counts, then asks the wrapped store.
func (s *CountingStore) CheckAccess(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (membership.Access, error) {
	s.checks.Add(1)
	return s.Store.CheckAccess(ctx, org, userID, ws)
}

// CheckPermissions counts, then asks the wrapped store. memstore answers
// Can through it (membership.PermissionIndex) rather than CheckAccess, so
// a wrapper that counts or caches checks overrides both.
func (s *CountingStore) CheckPermissions(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (roles.PermSet, error) {
	s.checks.Add(1)
	return s.Store.CheckPermissions(ctx, org, userID, ws)
}

// InsertMember counts, then asks the wrapped store.
func (s *CountingStore) InsertMember(ctx context.Context, m membership.Member) error {
	s.writes.Add(1)
	return s.Store.InsertMember(ctx, m)
}

// Counts returns the number of checks and member inserts so far.
func (s *CountingStore) Counts() (checks, writes int64) { return s.checks.Load(), s.writes.Load() }

var _ membership.Store = (*CountingStore)(nil)
