package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Open opens a database, checks that it answers and migrates it to the
// current schema (unless the SkipMigrate option is given). driverName is
// "sqlite", "postgres" (or "pgx") or "mysql"; dsn is the driver's data source
// name:
//
//   - sqlite: a file name or "file:" URI, e.g. "roster.db" or
//     "file:/var/lib/app/roster.db"; ":memory:" (or "") is a private
//     in-memory database that lives until Close. Open adds a 5 s busy
//     timeout, foreign keys and, for files, WAL journaling, unless the DSN
//     sets them.
//   - postgres: a URL or key=value string, e.g.
//     "postgres://app:secret@localhost:5432/app?sslmode=disable".
//   - mysql: e.g. "app:secret@tcp(localhost:3306)/app". Open turns on the
//     driver's interpolateParams unless the DSN sets it: one round trip per
//     statement instead of three.
//
// The Store owns the database: Close closes it.
func Open(ctx context.Context, driverName, dsn string, opts ...Option) (*Store, error) {
	var (
		d      Dialect
		driver string
		memory bool
	)
	switch driverName {
	case "sqlite", "sqlite3":
		d, driver = SQLite, "sqlite"
		dsn, memory = sqliteDSN(dsn)
	case "postgres", "postgresql", "pgx":
		d, driver = Postgres, "pgx"
	case "mysql", "mariadb":
		d, driver = MySQL, "mysql"
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, fmt.Errorf("%w: mysql DSN does not parse", ErrInvalidOption)
		}
		// One round trip per statement instead of three (prepare, execute,
		// close); the driver escapes for the utf8mb4 connection.
		if !strings.Contains(dsn, "interpolateParams") {
			cfg.InterpolateParams = true
		}
		dsn = cfg.FormatDSN()
	default:
		return nil, fmt.Errorf("%w: unknown driver %q (want sqlite, postgres or mysql)", ErrInvalidOption, driverName)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %s DSN", ErrInvalidOption, d)
	}
	s, err := New(db, d, opts...)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.owned = true
	if memory {
		s.pin, err = db.Conn(ctx)
	} else {
		err = db.PingContext(ctx)
	}
	if err != nil {
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

// SkipMigrate stops Open from migrating the database, for hosts that apply
// Dialect.Migrations with their own tool or call Migrate themselves.
func SkipMigrate() Option {
	return func(s *Store) error {
		s.skipMigrate = true
		return nil
	}
}

// sqliteDSN adds the store's defaults to a SQLite DSN and reports whether
// it names an in-memory database. ":memory:" becomes a named database of
// SQLite's memdb VFS, which every connection of the pool shares, with the
// locking of a file.
func sqliteDSN(dsn string) (string, bool) {
	memory := false
	if dsn == "" || dsn == ":memory:" {
		dsn = "file:/roster-" + rand.Text() + "?vfs=memdb"
		memory = true
	}
	base, query, _ := strings.Cut(dsn, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return dsn, memory
	}
	memory = memory || params.Get("mode") == "memory" || params.Get("vfs") == "memdb" ||
		strings.Contains(base, ":memory:")
	has := func(keys ...string) bool {
		for _, k := range keys {
			if params.Has(k) {
				return true
			}
		}
		for _, p := range params["_pragma"] {
			for _, k := range keys {
				if strings.HasPrefix(strings.ToLower(p), strings.TrimPrefix(k, "_")) {
					return true
				}
			}
		}
		return false
	}
	var add []string
	if !has("_busy_timeout", "_timeout") {
		add = append(add, "_pragma=busy_timeout(5000)")
	}
	if !has("_foreign_keys", "_fk") {
		add = append(add, "_pragma=foreign_keys(1)")
	}
	if !memory && !has("_journal_mode", "_journal") {
		add = append(add, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	}
	if len(add) == 0 {
		return dsn, memory
	}
	if query != "" {
		query += "&"
	}
	return base + "?" + query + strings.Join(add, "&"), memory
}
