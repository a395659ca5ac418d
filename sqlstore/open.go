package sqlstore

import (
	"context"
	"database/sql"
)

// OpenDB returns a Store that owns db, a database just opened with the
// driver that matches d: it checks that the database answers and migrates
// it to the current schema (unless the SkipMigrate option is given). Close
// closes db, and so does OpenDB when it fails.
//
// The driver packages' Open functions (sqlstore/sqlite, sqlstore/postgres,
// sqlstore/mysql) add their driver's defaults to the DSN and call OpenDB;
// a host that opens its database with another driver calls it too, with
// ErrorCodes when the driver's errors need it. A host that keeps its *sql.DB
// and closes it itself uses New.
func OpenDB(ctx context.Context, db *sql.DB, d Dialect, opts ...Option) (*Store, error) {
	s, err := New(db, d, opts...)
	if err != nil {
		if db != nil {
			_ = db.Close()
		}
		return nil, err
	}
	s.owned = true
	if err := db.PingContext(ctx); err != nil {
		_ = s.Close()
		return nil, s.translate(ctx, "open "+d.String(), err)
	}
	if !s.skipMigrate {
		if err := s.Migrate(ctx); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// SkipMigrate stops OpenDB, and the driver packages' Open, from migrating
// the database, for hosts that apply Dialect.Migrations with their own tool
// or call Migrate themselves.
func SkipMigrate() Option {
	return func(s *Store) error {
		s.skipMigrate = true
		return nil
	}
}
