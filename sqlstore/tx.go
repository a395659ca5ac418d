package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/storage"
)

// txKey is the context key of the transaction in progress.
type txKey struct{}

// txn is a transaction riding in a context.
type txn struct {
	s *Store
	q querier

	// orgs are the organizations this transaction has seen exist: locked,
	// created or checked. Rows inserted for them need no second look: on
	// SQLite no other writer runs meanwhile, and on PostgreSQL and MySQL
	// the foreign key still rejects a row whose organization another
	// transaction deleted (an ErrNotFound).
	mu   sync.Mutex
	orgs map[uuid.UUID]struct{}
}

// Transact runs fn in a transaction that rides in the context: store
// methods called with the context fn receives join it. It commits when fn
// returns nil and rolls back otherwise, returning fn's error. A Transact
// called inside another joins the outer transaction, which commits or rolls
// back for both.
//
// When the database reports a serialization failure, deadlock, lock timeout
// or busy database (SQLSTATE 40001 or 40P01, MySQL 1213 or 1205,
// SQLITE_BUSY), or a Galera node that failed certification (1213) or is not
// ready (1047), the whole transaction runs again after a short randomized
// backoff, up to MaxAttempts times; the error then wraps storage.ErrConflict.
// Other errors are never retried. fn must therefore have no effect outside
// the store.
//
// On SQLite every transaction begins IMMEDIATE: it takes the database's
// write lock at the start, which serializes writers (and so organizations)
// without upgrade deadlocks. Transactions of one Store wait for each other
// in the process; fn must therefore reach the store only through the
// context it is given (a write with another context would wait for fn).
func (s *Store) Transact(ctx context.Context, fn func(ctx context.Context) error) error {
	if t, ok := ctx.Value(txKey{}).(*txn); ok && t.s == s {
		return fn(ctx)
	}
	return s.retry(ctx, func(attempt int) error { return s.attempt(ctx, attempt, fn) })
}

// retry runs once until it succeeds, fails with an error that is not
// retryable, or has run MaxAttempts times; then the error wraps
// storage.ErrConflict.
func (s *Store) retry(ctx context.Context, once func(attempt int) error) error {
	for attempt := 1; ; attempt++ {
		err := once(attempt)
		if err == nil || !s.retryable(err) || ctx.Err() != nil {
			return err
		}
		if attempt >= s.maxAttempts {
			return fmt.Errorf("sqlstore: transaction failed %d times on conflicts: %w", attempt, storage.ErrConflict)
		}
		if err := sleep(ctx, s.backoff(attempt)); err != nil {
			return fmt.Errorf("sqlstore: transaction: %w", err)
		}
	}
}

// backoff returns the pause before attempt+1: exponential with full jitter,
// capped, so that colliding transactions spread out.
func (s *Store) backoff(attempt int) time.Duration {
	d := s.baseDelay << min(attempt-1, 16)
	if d > s.maxDelay || d <= 0 {
		d = s.maxDelay
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt runs fn once in a new transaction.
func (s *Store) attempt(ctx context.Context, n int, fn func(ctx context.Context) error) error {
	var hook func(context.Context) error
	if s.beforeCommit != nil {
		hook = func(ctx context.Context) error { return s.beforeCommit(ctx, n) }
	}
	if s.d.beginImmediate() {
		return s.attemptImmediate(ctx, fn, hook)
	}
	tx, err := s.db.BeginTx(ctx, s.d.txOptions())
	if err != nil {
		return s.translate(ctx, "begin", err)
	}
	done := false
	defer func() {
		if !done { // fn panicked
			_ = tx.Rollback()
		}
	}()
	err = fn(context.WithValue(ctx, txKey{}, &txn{s: s, q: tx}))
	if err == nil && hook != nil {
		err = hook(ctx)
	}
	if err != nil {
		done = true
		_ = tx.Rollback()
		return err
	}
	done = true
	return s.translate(ctx, "commit", tx.Commit())
}

// attemptImmediate runs fn once in a transaction begun with BEGIN IMMEDIATE
// on a connection of its own (database/sql's BeginTx cannot say IMMEDIATE
// on a database the host opened). hook, if not nil, runs before commit.
func (s *Store) attemptImmediate(ctx context.Context, fn, hook func(ctx context.Context) error) error {
	// The writers of this process take turns here, in order, rather than
	// in SQLite's busy handler, which sleeps and polls; the busy timeout
	// still covers writers of other processes.
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("sqlstore: begin: %w", ctx.Err())
	}
	defer func() { <-s.writer }()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.translate(ctx, "begin", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		if ctx.Err() != nil {
			// A BEGIN cut short by its context may have begun the
			// transaction all the same: end it (or discard the
			// connection) rather than pool a connection mid-transaction,
			// which would block every later writer.
			s.rollbackConn(conn)
		}
		return s.translate(ctx, "begin", err)
	}
	done := false
	defer func() {
		if !done { // fn panicked
			s.rollbackConn(conn)
		}
	}()
	err = fn(context.WithValue(ctx, txKey{}, &txn{s: s, q: conn}))
	if err == nil && hook != nil {
		err = hook(ctx)
	}
	if err == nil {
		// Once fn has succeeded, the commit is not cut short by the
		// context: an interrupted COMMIT could leave the caller unsure
		// whether it happened.
		_, err = conn.ExecContext(context.WithoutCancel(ctx), "COMMIT")
		if err != nil {
			err = s.translate(ctx, "commit", err)
		}
	}
	done = true
	if err != nil {
		s.rollbackConn(conn)
	}
	return err
}

// rollbackConn ends the transaction open on conn, even when the context
// that ran it was cancelled. A connection that cannot roll back is
// discarded rather than returned to the pool mid-transaction.
func (s *Store) rollbackConn(conn *sql.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// write runs the statements of one store method that writes: in ctx's
// transaction if any; otherwise, on SQLite, in a transaction of its own, so
// that it takes its turn with the other writers of the process instead of
// polling the database's lock; otherwise (PostgreSQL, MySQL) on its own,
// again when the database reports a deadlock or serialization failure.
// Methods of several statements use Transact instead, on every dialect.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, c querier) error) error {
	switch {
	case s.InTransaction(ctx):
		return fn(ctx, s.conn(ctx))
	case s.d.beginImmediate():
		return s.Transact(ctx, func(ctx context.Context) error { return fn(ctx, s.conn(ctx)) })
	}
	return s.retry(ctx, func(int) error { return fn(ctx, s.db) })
}

// conn returns what a statement runs on: the transaction in ctx, or the
// database.
func (s *Store) conn(ctx context.Context) querier {
	if t, ok := ctx.Value(txKey{}).(*txn); ok && t.s == s {
		return t.q
	}
	return s.db
}

// InTransaction reports whether ctx carries a transaction of this store:
// work that must only happen after commit (delivering outbox messages) is
// skipped inside one and left to the outermost caller.
func (s *Store) InTransaction(ctx context.Context) bool {
	t, ok := ctx.Value(txKey{}).(*txn)
	return ok && t.s == s
}

// reread runs a read and, on SQLite outside a transaction, runs it again
// while the database stays busy past its busy timeout. That happens to
// readers of a rollback-journal database (an in-memory one) under a stream
// of writers; a WAL file never blocks its readers.
func reread[T any](ctx context.Context, s *Store, read func(c querier) (T, error)) (T, error) {
	c := s.conn(ctx)
	v, err := read(c)
	if err == nil || !s.d.beginImmediate() || c != querier(s.db) || !s.retryable(err) || ctx.Err() != nil {
		return v, err
	}
	err = s.retry(ctx, func(int) error {
		var rerr error
		v, rerr = read(c)
		return rerr
	})
	return v, err
}

// list runs query q and scans each row with scan.
func list[T any](ctx context.Context, s *Store, c querier, op, q string, args []any, scan func(r scanner) (T, error)) ([]T, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.translate(ctx, op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(ctx, op, err)
	}
	return out, nil
}

// requireOrg returns ErrNotFound unless organization org exists. Inside a
// transaction that has already seen it, it asks the database nothing.
func (s *Store) requireOrg(ctx context.Context, c querier, op string, org uuid.UUID) error {
	t, _ := ctx.Value(txKey{}).(*txn)
	if t != nil && t.s == s && t.knows(org) {
		return nil
	}
	var one int
	if err := c.QueryRowContext(ctx, s.q.orgExists, org).Scan(&one); err != nil {
		return s.translate(ctx, op, err)
	}
	s.sawOrg(ctx, org, true)
	return nil
}

// sawOrg records, in ctx's transaction, that org exists (or no longer
// does).
func (s *Store) sawOrg(ctx context.Context, org uuid.UUID, exists bool) {
	t, _ := ctx.Value(txKey{}).(*txn)
	if t == nil || t.s != s {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !exists {
		delete(t.orgs, org)
		return
	}
	if t.orgs == nil {
		t.orgs = make(map[uuid.UUID]struct{})
	}
	t.orgs[org] = struct{}{}
}

func (t *txn) knows(org uuid.UUID) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.orgs[org]
	return ok
}
