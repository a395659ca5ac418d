package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
)

// ctxKey carries a transaction of one Store in a context.
type ctxKey struct{ s *Store }

// tx is a transaction in progress. It holds the Store's writer lock and a
// private state that shares the committed trees until it writes them, so
// rolling back is dropping it and committing is publishing it.
type tx struct {
	mu   sync.Mutex // serializes store calls that join the transaction
	done bool       // ended; guarded by mu
	st   *state
	// orgs are the organizations this transaction copied for writing.
	orgs map[uuid.UUID]*orgData
	// members and wsOrgs are the CheckAccess entries and the organizations'
	// workspace sets to recompute at commit.
	members map[memberKey]struct{}
	wsOrgs  map[uuid.UUID]struct{}
}

// Transact runs fn in a transaction and commits it if fn returns nil.
// Otherwise, or if fn panics (the panic goes on after the rollback), or if
// ctx is done before the commit, nothing fn did through the Store remains:
// no row, audit event or outbox message. Store methods called with fn's ctx
// join the transaction and see its changes; calls with any other context see
// committed state only. A Transact called with fn's ctx joins the outer
// transaction, which commits or rolls back for both.
//
// Transactions are serialized: one runs at a time and others wait, or give
// up with the context's error when ctx is done first. So fn must reach the
// Store only through its own ctx: a write with another context inside fn
// would wait for fn forever. Reads never wait.
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
// yet. A caller that acts after a commit (delivering outbox messages, say)
// checks it to tell an outer transaction it joined from its own.
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

// leave ends a store call that entered t; t may be nil.
func (t *tx) leave() {
	if t != nil {
		t.mu.Unlock()
	}
}

// view returns the state a read sees: its transaction's, or the committed
// one. The caller calls leave on the returned tx when done.
func (s *Store) view(ctx context.Context) (*state, *tx) {
	if t := s.enter(ctx); t != nil {
		return t.st, t
	}
	return s.cur.Load(), nil
}

// write runs f in the transaction ctx carries, or else in a transaction of
// its own. f checks everything before it changes anything, so an error
// leaves the transaction as it was.
func (s *Store) write(ctx context.Context, f func(t *tx) error) error {
	if t := s.enter(ctx); t != nil {
		defer t.leave()
		return f(t)
	}
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer s.end(t)
	if err := f(t); err != nil {
		return err
	}
	s.commit(t)
	return nil
}

// begin takes the writer lock and starts a transaction on the committed
// state.
func (s *Store) begin(ctx context.Context) (*tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: begin: %w", err)
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("memstore: begin: %w", ctx.Err())
	}
	st := *s.cur.Load()
	st.owned = 0
	return &tx{st: &st}, nil
}

// commit publishes t's state and brings the CheckAccess index up to date,
// so that a change is visible to every reader when the writer returns.
func (s *Store) commit(t *tx) {
	s.cur.Store(t.st)
	s.index.update(t)
}

// end marks t done, committed or not, and releases the writer lock.
func (s *Store) end(t *tx) {
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
	s.active.CompareAndSwap(t, nil)
	<-s.sem
}

// orgW returns organization id ready for writing, or nil when it does not
// exist.
func (t *tx) orgW(id uuid.UUID) *orgData {
	if o := t.orgs[id]; o != nil {
		return o
	}
	o := t.st.org(id)
	if o == nil {
		return nil
	}
	c := o.copyForTx()
	own(&t.st.owned, ownOrgs, &t.st.orgs).ReplaceOrInsert(orgRow{id: id, o: c})
	t.adopt(c)
	return c
}

// adopt records o as written by t.
func (t *tx) adopt(o *orgData) {
	if t.orgs == nil {
		t.orgs = make(map[uuid.UUID]*orgData)
	}
	t.orgs[o.org.ID] = o
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
