package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rosterkit/roster/membership"
)

var _ membership.Store = (*Store)(nil)

// Store keeps organizations, workspaces, members, audit events, the
// outbox, invitations and invite links in a SQL database. It implements
// membership.Store and invite.Store. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	d      Dialect
	prefix string

	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration

	// writer is the turn of the process's SQLite writers (capacity 1).
	writer chan struct{}

	// owned is true when OpenDB was given db: Close closes it.
	owned       bool
	skipMigrate bool
	// codes reads the driver's error codes (ErrorCodes); nil reads them
	// through the methods the drivers expose.
	codes func(error) (string, bool)

	q  queries
	iq invitationQueries
	kq apiKeyQueries
	// bumpOrg serializes an organization by writing its row (orglock.go).
	bumpOrg string

	// check is CheckAccess's statement, prepared on first use: a
	// permission check runs on every request, and a prepared statement
	// saves the parse (SQLite) or two round trips (MySQL).
	check   atomic.Pointer[sql.Stmt]
	checkMu sync.Mutex

	// beforeCommit, when set, runs before each commit; an error it returns
	// fails the attempt as if the commit had. Tests use it to inject
	// serialization failures.
	beforeCommit func(ctx context.Context, attempt int) error
}

// Option configures a Store.
type Option func(*Store) error

// DefaultTablePrefix is the prefix of every table the store creates.
const DefaultTablePrefix = "roster_"

var prefixPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,23}$`)

// TablePrefix sets the prefix of every table and index name, for hosts that
// keep several Roster instances or a clashing table in one schema. It must
// be lower-case ASCII letters, digits and underscores, start with a letter
// and be at most 24 characters; the default is "roster_".
func TablePrefix(prefix string) Option {
	return func(s *Store) error {
		if !prefixPattern.MatchString(prefix) {
			return fmt.Errorf("%w: table prefix %q", ErrInvalidOption, prefix)
		}
		s.prefix = prefix
		return nil
	}
}

// MaxAttempts sets how many times a transaction runs when the database
// reports a serialization failure, deadlock or busy database; the default is
// 10. After the last attempt the error wraps storage.ErrConflict.
func MaxAttempts(n int) Option {
	return func(s *Store) error {
		if n < 1 {
			return fmt.Errorf("%w: max attempts %d", ErrInvalidOption, n)
		}
		s.maxAttempts = n
		return nil
	}
}

// New returns a Store over db, a database the host opened with the driver
// that matches d. It runs no statement: call Migrate to create or upgrade
// the tables, or apply Dialect.Migrations with your own tool. Close does not
// close db.
//
// For SQLite, open db with a busy timeout and foreign keys on, e.g.
// "file:roster.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)";
// sqlstore/sqlite's Open does this for you. For MySQL use sqlstore/mysql's
// New, which hands the store its driver's error codes (see ErrorCodes).
func New(db *sql.DB, d Dialect, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil *sql.DB", ErrInvalidOption)
	}
	if !d.valid() {
		return nil, fmt.Errorf("%w: zero Dialect", ErrInvalidOption)
	}
	s := &Store{db: db, d: d, prefix: DefaultTablePrefix, writer: make(chan struct{}, 1),
		maxAttempts: 10, baseDelay: 2 * time.Millisecond, maxDelay: 250 * time.Millisecond}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if err := s.checkErrorCodes(); err != nil {
		return nil, err
	}
	s.q = buildQueries(s)
	s.iq = buildInvitationQueries(s)
	s.kq = buildAPIKeyQueries(s)
	s.bumpOrg = s.orgLockQuery()
	return s, nil
}

// DB returns the store's database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close releases what the store holds: the database if OpenDB was given it.
func (s *Store) Close() error {
	var err error
	s.checkMu.Lock()
	if st := s.check.Swap(nil); st != nil {
		err = st.Close()
	}
	s.checkMu.Unlock()
	if s.owned {
		if cerr := s.db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// sql returns q with the store's table prefix and placeholder style.
func (s *Store) sql(q string) string {
	if s.prefix != DefaultTablePrefix {
		q = strings.ReplaceAll(q, DefaultTablePrefix, s.prefix)
	}
	return s.d.rebind(q)
}

// deleteOne runs a DELETE meant to remove one row: it returns ErrNotFound
// when it removed none.
func (s *Store) deleteOne(ctx context.Context, c querier, op, query string, args ...any) error {
	res, err := c.ExecContext(ctx, query, args...)
	if err != nil {
		return s.translate(ctx, op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.translate(ctx, op, err)
	} else if n == 0 {
		return notFound(op)
	}
	return nil
}
