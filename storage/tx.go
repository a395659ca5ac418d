package storage

import "context"

// Transactor runs functions in a transaction that rides in the context.
//
// Transact calls fn with a context that carries a new transaction and commits
// it if fn returns nil; otherwise it rolls back and returns fn's error. Store
// methods called with that context join the transaction. A Transact called
// with a context that already carries one joins it: the outer call commits or
// rolls back for both. A store may run fn more than once when the database
// asks for a retry (a serialization failure), so fn must not have effects
// outside the store.
//
// InTransaction reports whether ctx carries a transaction of this store:
// work that must only happen after commit (delivering outbox messages) is
// skipped inside one and left to the outermost caller.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
	InTransaction(ctx context.Context) bool
}
