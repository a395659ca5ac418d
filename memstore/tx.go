package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// ctxKey carries a transaction of one Store in a context.
type ctxKey struct{ s *Store }

// tx is a transaction in progress. It holds the Store's writer lock and,
// from its first change, the data lock; it changes the data in place and
// logs how to undo each change, so that rolling back runs the log
// backwards and committing drops it.
type tx struct {
	s         *Store
	st        *state     // s.st
	mu        sync.Mutex // serializes store calls that join the transaction
	done      bool       // ended; guarded by mu
	committed bool
	locked    bool     // holds s.mu for writing
	undo      []func() // inverse of each change, in order
	// members and wsOrgs are the CheckAccess entries and the organizations'
	// workspace sets to recompute at commit.
	members map[memberKey]struct{}
	wsOrgs  map[uuid.UUID]struct{}
}

// Transact runs fn in a transaction and commits it if fn returns nil.
// Otherwise, or if fn panics (the panic goes on after the rollback), or if
// ctx is done before the commit, nothing fn did through the Store remains:
// no row, audit event or outbox message. Store methods called with fn's ctx
// join the transaction and see its changes; a Transact called with fn's ctx
// joins it too, and the outer call commits or rolls back for both.
//
// Transactions are serialized: one runs at a time and others wait, or give
// up with the context's error when ctx is done first. Reads with another
// context see committed state only: from the transaction's first change
// until it ends, they wait. So fn must reach the Store only through its own
// ctx, since a call with another context would wait for fn forever.
// Permission checks (CheckAccess) never wait.
func (s *Store) Transact(ctx context.Context, fn func(ctx context.Context) error) error {
	if t := s.joined(ctx); t != nil {
		return fn(ctx)
	}
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	s.active.Store(t)
	defer s.end(t)
	if err := fn(context.WithValue(ctx, ctxKey{s}, t)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: commit: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s.commit(t)
	return nil
}

// InTransaction reports whether ctx carries a running transaction of s:
// store calls made with ctx join it, and its changes are not committed
// yet.
func (s *Store) InTransaction(ctx context.Context) bool { return s.joined(ctx) != nil }

// joined returns the transaction ctx carries if it is this Store's running
// one. With no transaction running it costs one atomic load.
func (s *Store) joined(ctx context.Context) *tx {
	a := s.active.Load()
	if a == nil {
		return nil
	}
	if t, _ := ctx.Value(ctxKey{s}).(*tx); t == a {
		return t
	}
	return nil
}

// enter returns the running transaction ctx carries, locked for one store
// call, or nil when ctx carries none.
func (s *Store) enter(ctx context.Context) *tx {
	t := s.joined(ctx)
	if t == nil {
		return nil
	}
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return nil
	}
	return t
}

// reader is a read in progress; leave ends it.
type reader struct {
	s *Store
	t *tx // nil outside a transaction
}

// view starts a read: in the transaction ctx carries, or else of committed
// state under the read lock. The caller calls leave when done.
func (s *Store) view(ctx context.Context) (*state, reader) {
	if t := s.enter(ctx); t != nil {
		return s.st, reader{s: s, t: t}
	}
	s.mu.RLock()
	return s.st, reader{s: s}
}

func (r reader) leave() {
	if r.t != nil {
		r.t.mu.Unlock()
	} else {
		r.s.mu.RUnlock()
	}
}

// write runs f in the transaction ctx carries, or else in a transaction of
// its own. f checks everything before it changes anything, so an error
// leaves the transaction as it was.
func (s *Store) write(ctx context.Context, f func(t *tx) error) error {
	if t := s.enter(ctx); t != nil {
		defer t.mu.Unlock()
		t.lock()
		return f(t)
	}
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer s.end(t)
	t.lock()
	if err := f(t); err != nil {
		return err
	}
	s.commit(t)
	return nil
}

// begin takes the writer lock and starts a transaction.
func (s *Store) begin(ctx context.Context) (*tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: begin: %w", err)
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("memstore: begin: %w", ctx.Err())
	}
	return &tx{s: s, st: s.st}, nil
}

// lock takes the data lock for writing, once: from now on readers outside
// the transaction wait for its end.
func (t *tx) lock() {
	if !t.locked {
		t.s.mu.Lock()
		t.locked = true
	}
}

// commit keeps t's changes and brings the CheckAccess index up to date
// before the locks go, so that a change is visible to every check when the
// writer returns.
func (s *Store) commit(t *tx) {
	t.committed = true
	t.undo = nil
	s.index.update(t)
}

// end rolls t back unless it committed, and releases its locks.
func (s *Store) end(t *tx) {
	t.mu.Lock()
	if !t.committed {
		for i := len(t.undo) - 1; i >= 0; i-- {
			t.undo[i]()
		}
		t.undo = nil
	}
	t.done = true
	t.mu.Unlock()
	if t.locked {
		s.mu.Unlock()
	}
	s.active.CompareAndSwap(t, nil)
	<-s.sem
}

// put inserts item into tr, or replaces the item with its key, and logs
// the inverse.
func put[T any](t *tx, tr *btree.BTreeG[T], item T) {
	if old, had := tr.ReplaceOrInsert(item); had {
		t.undo = append(t.undo, func() { tr.ReplaceOrInsert(old) })
	} else {
		t.undo = append(t.undo, func() { tr.Delete(item) })
	}
}

// del deletes the item with key's key from tr, if any, and logs the
// inverse.
func del[T any](t *tx, tr *btree.BTreeG[T], key T) {
	if old, had := tr.Delete(key); had {
		t.undo = append(t.undo, func() { tr.ReplaceOrInsert(old) })
	}
}

// count adds d times m to o's member counts, and logs the inverse.
func (t *tx) count(o *orgData, m *membership.Member, d int) {
	o.n.add(m, d)
	t.undo = append(t.undo, func() { o.n.add(m, -d) })
}

// touchMember marks userID's CheckAccess entry in org for recomputing.
func (t *tx) touchMember(org uuid.UUID, userID string) {
	if t.members == nil {
		t.members = make(map[memberKey]struct{})
	}
	t.members[memberKey{org: org, user: userID}] = struct{}{}
}

// touchWorkspaces marks org's set of workspaces for recomputing.
func (t *tx) touchWorkspaces(org uuid.UUID) {
	if t.wsOrgs == nil {
		t.wsOrgs = make(map[uuid.UUID]struct{})
	}
	t.wsOrgs[org] = struct{}{}
}
