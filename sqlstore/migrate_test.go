package sqlstore

import (
	"context"
	"crypto/rand"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestMigrationsAreEmbeddedForEveryDialect(t *testing.T) {
	var want []string
	for _, d := range []Dialect{SQLite, Postgres, MySQL} {
		fsys := d.Migrations()
		names, err := fs.Glob(fsys, "*.sql")
		require.NoError(t, err)
		require.NotEmpty(t, names, d)
		require.NoError(t, fstest.TestFS(fsys, names...))
		if want == nil {
			want = names
		}
		require.Equal(t, want, names, "%s has the same numbered migrations as sqlite", d)
		for _, n := range names {
			text, err := fs.ReadFile(fsys, n)
			require.NoError(t, err)
			require.NotContains(t, string(text), "NOW()", "%s/%s: timestamps come from the library's clock", d, n)
		}
	}
	_, err := fs.Stat(Dialect{}.Migrations(), "0001_membership.sql")
	require.ErrorIs(t, err, fs.ErrNotExist)
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("-- comment; not a statement\nCREATE TABLE a (\n  x INT\n);\n\nCREATE INDEX i ON a (x);\n")
	require.Equal(t, []string{"CREATE TABLE a (\n  x INT\n)", "CREATE INDEX i ON a (x)"}, got)
}

func TestTablePrefixIsValidated(t *testing.T) {
	for _, p := range []string{"", "1abc", "Roster_", "a-b", "a b", "x;drop", strings.Repeat("a", 25)} {
		_, err := New(nil, SQLite, TablePrefix(p))
		require.ErrorIs(t, err, ErrInvalidOption, "%q", p)
	}
	db := openSQLiteMemory(t).DB()
	for _, p := range []string{"app_roster_", "r", "tenant2_"} {
		_, err := New(db, SQLite, TablePrefix(p))
		require.NoError(t, err, p)
	}
	_, err := New(db, Dialect{})
	require.ErrorIs(t, err, ErrInvalidOption)
}

func TestMigrate(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			ctx := t.Context()
			st := tg.open(t)
			all, err := st.migrations()
			require.NoError(t, err)
			latest := all[len(all)-1].version

			v, err := st.Version(ctx)
			require.NoError(t, err)
			require.Equal(t, latest, v)
			// Idempotent: running again applies nothing and fails nothing.
			require.NoError(t, st.Migrate(ctx))
			require.NoError(t, st.Migrate(ctx))
			var n int
			require.NoError(t, st.db.QueryRowContext(ctx, st.sql(`SELECT COUNT(*) FROM roster_schema_migrations`)).Scan(&n))
			require.Equal(t, len(all), n)

			// Every table carries the store's prefix.
			tables := tableNames(t, st)
			require.Contains(t, tables, st.prefix+"members")
			require.Contains(t, tables, st.prefix+"schema_migrations_lock")
			for _, name := range tables {
				require.True(t, strings.HasPrefix(name, st.prefix), name)
			}
		})
	}
}

// TestConcurrentMigrate starts several stores, each with its own database
// handle, migrating one empty database at once: all succeed and each
// migration is applied once.
func TestConcurrentMigrate(t *testing.T) {
	const n = 4
	open := map[string]func(t *testing.T, prefix string) (*Store, error){
		"sqlite-file": func() func(t *testing.T, prefix string) (*Store, error) {
			path := filepath.Join(t.TempDir(), "shared.db")
			return func(t *testing.T, prefix string) (*Store, error) {
				return testOpen(t.Context(), "sqlite", path, TablePrefix(prefix), SkipMigrate())
			}
		}(),
		"postgres": serverOpener(envPostgres, "postgres"),
		"mysql":    serverOpener(envMySQL, "mysql"),
	}
	for _, name := range []string{"sqlite-file", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) {
			prefix := "m" + strings.ToLower(rand.Text()[:8]) + "_"
			stores := make([]*Store, n)
			for i := range stores {
				st, err := open[name](t, prefix)
				require.NoError(t, err)
				stores[i] = st
			}
			t.Cleanup(func() {
				if stores[0].d != SQLite {
					require.NoError(t, dropTables(stores[0], prefix))
				}
				for _, st := range stores {
					require.NoError(t, st.Close())
				}
			})
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i, st := range stores {
				wg.Go(func() { errs[i] = st.Migrate(context.Background()) })
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			all, err := stores[0].migrations()
			require.NoError(t, err)
			var count int
			require.NoError(t, stores[0].db.QueryRowContext(t.Context(),
				stores[0].sql(`SELECT COUNT(*) FROM roster_schema_migrations`)).Scan(&count))
			require.Equal(t, len(all), count)
		})
	}
}

// serverOpener opens a server store without migrating, or skips (fails in
// CI) when env is unset.
func serverOpener(env, driver string) func(t *testing.T, prefix string) (*Store, error) {
	return func(t *testing.T, prefix string) (*Store, error) {
		return testOpen(t.Context(), driver, serverDSN(t, env), TablePrefix(prefix), SkipMigrate())
	}
}

// tableNames lists the tables of the store's schema whose names start
// with its prefix (SQLite: every table).
func tableNames(t *testing.T, st *Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	var args []any
	switch st.d {
	case Postgres:
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND LEFT(tablename, $1) = $2`
		args = []any{len(st.prefix), st.prefix}
	case MySQL:
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LEFT(table_name, ?) = ?`
		args = []any{len(st.prefix), st.prefix}
	}
	rows, err := st.db.QueryContext(t.Context(), q, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}
