package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain runs the tests and benchmarks, drops the benchmark fixtures, and
// fails the run when a goroutine outlives it.
func TestMain(m *testing.M) {
	code := m.Run()
	closeFixtures()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// Driver is the Open and New of a driver package (sqlstore/sqlite, …).
type Driver struct {
	Open func(ctx context.Context, dsn string, opts ...Option) (*Store, error)
	New  func(db *sql.DB, opts ...Option) (*Store, error)
	// OpenNodes opens one store over several nodes (MySQL only).
	OpenNodes func(ctx context.Context, dsns []string, opts ...Option) (*Store, error)
}

// Drivers are the driver packages by dialect, set by drivers_test.go.
var Drivers map[Dialect]Driver

// testOpen opens a store as a host does, with the driver package of
// driverName: "sqlite", "postgres" or "mysql".
func testOpen(ctx context.Context, driverName, dsn string, opts ...Option) (*Store, error) {
	d, ok := map[string]Dialect{"sqlite": SQLite, "postgres": Postgres, "mysql": MySQL}[driverName]
	if !ok {
		return nil, fmt.Errorf("%w: unknown driver %q", ErrInvalidOption, driverName)
	}
	return Drivers[d].Open(ctx, dsn, opts...)
}

// Environment variables that name the servers the tests use.
const (
	envPostgres = "ROSTER_POSTGRES_DSN" // e.g. postgres://roster@127.0.0.1:5432/roster?sslmode=disable
	envMySQL    = "ROSTER_MYSQL_DSN"    // e.g. roster:roster@tcp(127.0.0.1:3306)/roster
)

// target is one database the tests run on.
type target struct {
	name string
	// open returns a new migrated store over the target, with tables of its
	// own (a fresh prefix on a server), closed and dropped when t ends.
	open func(t testing.TB, opts ...Option) *Store
}

// targets lists every database of this run: SQLite as a file, in memory
// (memdb VFS) and in memory with a shared cache, then PostgreSQL and MySQL
// when their DSNs are set.
func targets() []target {
	return []target{
		{"sqlite-file", openSQLiteFile},
		{"sqlite-memory", openSQLiteMemory},
		{"sqlite-shared-cache", openSQLiteSharedCache},
		{"postgres", func(t testing.TB, opts ...Option) *Store { return openServer(t, "postgres", envPostgres, opts...) }},
		{"mysql", func(t testing.TB, opts ...Option) *Store { return openServer(t, "mysql", envMySQL, opts...) }},
	}
}

func openSQLiteFile(t testing.TB, opts ...Option) *Store {
	t.Helper()
	st, err := testOpen(context.Background(), "sqlite", filepath.Join(t.TempDir(), "roster.db"), opts...)
	if err != nil {
		t.Fatalf("Open(sqlite file): %v", err)
	}
	t.Cleanup(func() { closeStore(t, st) })
	return st
}

func openSQLiteMemory(t testing.TB, opts ...Option) *Store {
	t.Helper()
	st, err := testOpen(context.Background(), "sqlite", ":memory:", opts...)
	if err != nil {
		t.Fatalf("Open(sqlite :memory:): %v", err)
	}
	t.Cleanup(func() { closeStore(t, st) })
	return st
}

// openSQLiteSharedCache opens an in-memory database in shared-cache mode
// with database/sql and hands it to New, as a host would.
func openSQLiteSharedCache(t testing.TB, opts ...Option) *Store {
	t.Helper()
	dsn := "file:roster-" + rand.Text() + "?mode=memory&cache=shared&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatalf("sql.Open(sqlite shared cache): %v", err)
	}
	// The database lives while one connection is open.
	db.SetConnMaxIdleTime(0)
	db.SetMaxIdleConns(4)
	pin, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("pin connection: %v", err)
	}
	st, err := New(db, SQLite, opts...)
	if err != nil {
		t.Fatalf("New(sqlite shared cache): %v", err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate(sqlite shared cache): %v", err)
	}
	t.Cleanup(func() {
		_ = pin.Close()
		closeStore(t, st)
		_ = db.Close()
	})
	return st
}

// openServer opens the server named by the environment variable env with
// tables of a fresh random prefix, and drops them when t ends. Without the
// variable the test is skipped, or fails when CI is set: CI never skips a
// server.
func openServer(t testing.TB, driver, env string, opts ...Option) *Store {
	t.Helper()
	dsn := serverDSN(t, env)
	prefix := "t" + strings.ToLower(rand.Text()[:10]) + "_"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := testOpen(ctx, driver, dsn, append([]Option{TablePrefix(prefix)}, opts...)...)
	if err != nil {
		t.Fatalf("Open(%s): %v", driver, err)
	}
	st.db.SetMaxOpenConns(40)
	st.db.SetMaxIdleConns(40)
	t.Cleanup(func() {
		if err := dropTables(st, prefix); err != nil {
			t.Errorf("dropping test tables %s*: %v", prefix, err)
		}
		closeStore(t, st)
	})
	return st
}

// serverDSN returns the DSN the environment variable env gives. Without
// it t is skipped, or fails when CI is set: CI never skips a server. Every
// test and benchmark on a server takes its DSN here.
func serverDSN(t testing.TB, env string) string {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI runs every dialect (scripts/test starts the servers)", env)
		}
		t.Skipf("%s is not set", env)
	}
	return dsn
}

func closeStore(t testing.TB, st *Store) {
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// dropTables drops every table whose name starts with prefix.
func dropTables(st *Store, prefix string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list := `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND LEFT(tablename, $1) = $2`
	if st.d == MySQL {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LEFT(table_name, ?) = ?`
	}
	rows, err := st.db.QueryContext(ctx, list, len(prefix), prefix)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 {
		return nil
	}
	conn, err := st.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	drop := fmt.Sprintf("DROP TABLE IF EXISTS %s CASCADE", strings.Join(names, ", "))
	if st.d == MySQL {
		if _, err := conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
			return err
		}
		drop = fmt.Sprintf("DROP TABLE IF EXISTS %s", strings.Join(names, ", "))
	}
	_, err = conn.ExecContext(ctx, drop)
	if st.d == MySQL {
		_, _ = conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1")
	}
	return err
}
