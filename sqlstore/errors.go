package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// ErrInvalidOption is returned by New and Open for an option or argument
// they cannot use: an unknown driver, an invalid dialect or table prefix.
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

// classify is the dialect's error translator: it reads the driver's error
// code and says what it means.
func (d Dialect) classify(err error) (errClass, string) {
	switch d.id {
	case sqliteID:
		var e interface{ Code() int }
		if !errors.As(err, &e) {
			return classOther, ""
		}
		code := e.Code()
		switch {
		case code == sqliteConstraintUnique || code == sqliteConstraintPK:
			return classUnique, strconv.Itoa(code)
		case code == sqliteConstraintFK:
			return classForeignKey, strconv.Itoa(code)
		case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
			return classRetry, strconv.Itoa(code)
		}
		return classOther, strconv.Itoa(code)
	case postgresID:
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return classOther, ""
		}
		switch e.Code {
		case "23505":
			return classUnique, e.Code
		case "23503":
			return classForeignKey, e.Code
		case "40001", "40P01":
			return classRetry, e.Code
		case "22021":
			return classBadText, e.Code
		}
		return classOther, e.Code
	case mysqlID:
		var e *mysql.MySQLError
		if !errors.As(err, &e) {
			return classOther, ""
		}
		code := strconv.Itoa(int(e.Number))
		switch e.Number {
		case 1062:
			return classUnique, code
		case 1216, 1452:
			return classForeignKey, code
		case 1205, 1213:
			return classRetry, code
		case 1300, 1366:
			return classBadText, code
		}
		return classOther, code
	}
	return classOther, ""
}

// dbError is a database failure that maps to no sentinel. Its message names
// the operation and the database's error code only: never SQL text or the
// driver's message, which can quote the values of a row. The driver's error
// stays reachable with errors.As for hosts that log it.
type dbError struct {
	op    string
	code  string
	retry bool
	err   error
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
// operation lost a race with another transaction.
func (e *dbError) Is(target error) bool { return e.retry && target == storage.ErrConflict }

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
	class, code := s.d.classify(err)
	switch class {
	case classUnique:
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrConflict)
	case classForeignKey:
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
	case classRetry:
		return &dbError{op: op, code: code, retry: true, err: err}
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
	class, _ := s.d.classify(err)
	return class == classRetry
}

// notFound returns an ErrNotFound for op.
func notFound(op string) error {
	return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
}
