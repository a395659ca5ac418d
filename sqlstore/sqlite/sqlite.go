// Package sqlite opens Roster's SQL store on SQLite through
// modernc.org/sqlite, a SQLite compiled to Go: no cgo, no C toolchain.
// Importing it links that driver and no other one.
//
//	st, err := sqlite.Open(ctx, "roster.db") // creates and migrates the file
//	if err != nil { ... }
//	defer st.Close()
//	m, err := membership.New(st, membership.Options{})
//
// Open adds the store's defaults to the DSN: a 5 s busy timeout, foreign
// keys on and, for a file, WAL journaling with synchronous=NORMAL, unless
// the DSN sets them. ":memory:" is a private in-memory database that lives
// until Close.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	msqlite "modernc.org/sqlite"

	"github.com/rosterkit/roster/sqlstore"
)

// Open opens the SQLite database dsn, checks that it answers and migrates
// it to the current schema (unless sqlstore.SkipMigrate is given). dsn is a
// file name or "file:" URI, e.g. "roster.db" or
// "file:/var/lib/app/roster.db?_pragma=busy_timeout(10000)"; ":memory:" (or
// "") is a private in-memory database that every connection of the store
// shares and that lives until Close. The Store owns the database: Close
// closes it.
func Open(ctx context.Context, dsn string, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	dsn, memory := withDefaults(dsn)
	c, err := msqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite DSN does not parse", sqlstore.ErrInvalidOption)
	}
	if memory {
		c = &keepAlive{Connector: c}
	}
	return sqlstore.OpenDB(ctx, sql.OpenDB(c), sqlstore.SQLite, opts...)
}

// New returns a Store over db, a SQLite database the host opened with
// modernc.org/sqlite and closes itself: sqlstore.New with the SQLite
// dialect. Open db with a busy timeout and foreign keys on, e.g.
// "file:roster.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)",
// and call Migrate.
func New(db *sql.DB, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	return sqlstore.New(db, sqlstore.SQLite, opts...)
}
