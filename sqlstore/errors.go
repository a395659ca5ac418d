package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// ErrInvalidOption is returned by New and OpenDB, and by the driver
// packages' Open, for an option or argument they cannot use: a DSN that
// does not parse, an invalid dialect or table prefix.
var ErrInvalidOption = errors.New("sqlstore: invalid option")

// errClass is what a driver error means to the store.
type errClass uint8

const (
	classOther      errClass = iota
	classUnique              // a unique or primary key violation
	classForeignKey          // a row refers to one that does not exist
	classRetry               // serialization failure, deadlock, lock timeout, busy
	classBadText             // text that is not valid UTF-8
)

// SQLite result codes (https://www.sqlite.org/rescode.html).
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintFK     = 787
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

// ErrorCodes sets how the store reads the database's error code from an
// error its driver returned: read returns the code as the database reports
// it (an SQLite result code such as "2067", a PostgreSQL SQLSTATE such as
// "40001", a MySQL error number such as "1213") and false for an error that
// carries none. The store's dialect then decides what the code means: a
// unique or foreign key violation, a retryable conflict, text that is not
// valid UTF-8.
//
// Without it the store reads the codes of errors that expose them through
// a method: Code() int on SQLite (modernc.org/sqlite) and SQLState() string
// on PostgreSQL (pgx, lib/pq). MySQL's driver has no such method, so
// sqlstore/mysql sets ErrorCodes and New refuses the MySQL dialect without
// it. A host needs it only for a driver of its own whose errors lack such a
// method (mattn/go-sqlite3, for one).
func ErrorCodes(read func(err error) (code string, ok bool)) Option {
	return func(s *Store) error {
		if read == nil {
			return fmt.Errorf("%w: nil ErrorCodes", ErrInvalidOption)
		}
		s.codes = read
		return nil
	}
}

// checkErrorCodes reports whether the store can read its driver's error
// codes: without them it could neither retry a deadlock nor report a
// duplicate as ErrConflict.
func (s *Store) checkErrorCodes() error {
	if s.codes == nil && s.d.id == mysqlID {
		return fmt.Errorf("%w: the MySQL dialect needs its driver's error codes: "+
			"open the store with sqlstore/mysql (Open or New), or pass ErrorCodes", ErrInvalidOption)
	}
	return nil
}

// errorCode returns the database's error code that err carries, through
// the ErrorCodes reader or else the method the dialect's drivers expose.
func (s *Store) errorCode(err error) (string, bool) {
	if s.codes != nil {
		return s.codes(err)
	}
	switch s.d.id {
	case sqliteID:
		var e interface{ Code() int }
		if errors.As(err, &e) {
			return strconv.Itoa(e.Code()), true
		}
	case postgresID:
		var e interface{ SQLState() string }
		if errors.As(err, &e) {
			return e.SQLState(), true
		}
	}
	return "", false
}

// classify is the store's error translator: it reads the driver's error
// code and asks the dialect what it means.
func (s *Store) classify(err error) (errClass, string) {
	code, ok := s.errorCode(err)
	if !ok {
		return classOther, ""
	}
	return s.d.classify(code), code
}

// classify says what an error code of the dialect's database means.
func (d Dialect) classify(code string) errClass {
	switch d.id {
	case sqliteID:
		n, err := strconv.Atoi(code)
		if err != nil {
			return classOther
		}
		switch {
		case n == sqliteConstraintUnique || n == sqliteConstraintPK:
			return classUnique
		case n == sqliteConstraintFK:
			return classForeignKey
		case n&0xff == sqliteBusy || n&0xff == sqliteLocked:
			return classRetry
		}
	case postgresID:
		switch code {
		case "23505":
			return classUnique
		case "23503":
			return classForeignKey
		case "40001", "40P01":
			return classRetry
		case "22021":
			return classBadText
		}
	case mysqlID:
		switch code {
		case "1062":
			return classUnique
		case "1216", "1452":
			return classForeignKey
		case "1205", "1213":
			// 1213 is also how a Galera cluster reports a transaction
			// that failed certification or was aborted for one that won.
			return classRetry
		case "1047":
			// Galera: the node is not ready for queries (it left the
			// primary component or is still joining).
			return classRetry
		case "1300", "1366":
			return classBadText
		}
	}
	return classOther
}

// dbError is a database failure that maps to no sentinel. Its message names
// the operation and the database's error code only: never SQL text or the
// driver's message, which can quote the values of a row. The driver's error
// stays reachable with errors.As for hosts that log it.
type dbError struct {
	op    string
	code  string
	retry bool
	// inTx marks an error raised inside a transaction, which Transact
	// runs again: it is no ErrConflict to the code inside the transaction,
	// which could take it for a domain outcome (a link used up, a
	// duplicate). On a Galera node any statement can fail so, when another
	// node commits a conflicting transaction first.
	inTx bool
	err  error
}

func (e *dbError) Error() string {
	msg := "sqlstore: " + e.op + ": database error"
	if e.retry {
		msg = "sqlstore: " + e.op + ": transaction conflict, retry"
	}
	if e.code != "" {
		msg += " (code " + e.code + ")"
	}
	return msg
}

func (e *dbError) Unwrap() error { return e.err }

// Is makes a retryable failure that reached the caller an ErrConflict: the
// operation lost a race with another transaction. Inside a transaction it
// is not one: the transaction runs again.
func (e *dbError) Is(target error) bool {
	return e.retry && !e.inTx && target == storage.ErrConflict
}

// translate maps an error from the database to the library's errors: no
// rows is ErrNotFound, a unique violation ErrConflict, a missing referenced
// row ErrNotFound, text the database cannot hold membership.ErrInvalidInput,
// a cancelled context the context's error. op names the operation for the
// message.
func (s *Store) translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, ctx.Err())
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
	}
	var de *dbError
	if errors.As(err, &de) {
		return err
	}
	class, code := s.classify(err)
	switch class {
	case classUnique:
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrConflict)
	case classForeignKey:
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
	case classRetry:
		return &dbError{op: op, code: code, retry: true, inTx: s.InTransaction(ctx), err: err}
	case classBadText:
		return fmt.Errorf("sqlstore: %s: %w: text is not valid UTF-8", op, membership.ErrInvalidInput)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	return &dbError{op: op, code: code, err: err}
}

// retryable reports whether err, returned by a transaction, means that
// running the whole transaction again may succeed.
func (s *Store) retryable(err error) bool {
	var de *dbError
	if errors.As(err, &de) {
		return de.retry
	}
	class, _ := s.classify(err)
	return class == classRetry
}

// notFound returns an ErrNotFound for op.
func notFound(op string) error {
	return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
}
