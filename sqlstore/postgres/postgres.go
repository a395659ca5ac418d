// Package postgres opens Roster's SQL store on PostgreSQL through pgx
// (github.com/jackc/pgx/v5/stdlib). Importing it links that driver and no
// other one. CockroachDB and YugabyteDB work too: the dialect uses only
// what they accept.
//
//	st, err := postgres.Open(ctx, "postgres://app:secret@localhost:5432/app?sslmode=disable")
//	if err != nil { ... }
//	defer st.Close()
//	m, err := membership.New(st, membership.Options{})
package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rosterkit/roster/sqlstore"
)

// Open opens the PostgreSQL database dsn, checks that it answers and
// migrates it to the current schema (unless sqlstore.SkipMigrate is given).
// dsn is a URL or a key=value string, e.g.
// "postgres://app:secret@localhost:5432/app?sslmode=disable". The Store
// owns the database: Close closes it.
func Open(ctx context.Context, dsn string, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres DSN does not parse", sqlstore.ErrInvalidOption)
	}
	return sqlstore.OpenDB(ctx, stdlib.OpenDB(*cfg), sqlstore.Postgres, opts...)
}

// New returns a Store over db, a PostgreSQL database the host opened and
// closes itself: sqlstore.New with the Postgres dialect. Call Migrate, or
// apply the dialect's Migrations with your own tool.
func New(db *sql.DB, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	return sqlstore.New(db, sqlstore.Postgres, opts...)
}
