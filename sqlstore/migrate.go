package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// Migrations returns the dialect's schema migrations: files named
// NNNN_description.sql, applied in the order of their number NNNN, each a
// list of statements that end with ";" at the end of a line. Tables and
// indexes are named with the default prefix "roster_". Hosts that run their
// own migration tool apply these; Migrate applies them itself.
func (d Dialect) Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+d.String())
	if err != nil || !d.valid() {
		return emptyFS{}
	}
	return sub
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// migration is one numbered schema change.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations reads the dialect's migration files, in version order.
func (s *Store) migrations() ([]migration, error) {
	fsys := s.d.Migrations()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading migrations: %w", err)
	}
	var out []migration
	seen := map[int]bool{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || seen[v] {
			return nil, fmt.Errorf("sqlstore: migration file %q is not NNNN_name.sql with a new number", name)
		}
		seen[v] = true
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: reading migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(path.Base(name), ".sql"),
			statements: splitStatements(s.sql(string(text)))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// splitStatements splits a migration file into its statements: each ends
// with ";" at the end of a line; lines starting with "--" are comments.
func splitStatements(text string) []string {
	var (
		out []string
		cur strings.Builder
	)
	for line := range strings.Lines(text) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

// Migrate creates the store's tables or brings them up to date: it applies,
// in order, each migration not yet recorded in the roster_schema_migrations
// table and records it. It is idempotent, and safe when several processes
// run it at once: they take turns on a lock, a row of
// roster_schema_migrations_lock read FOR UPDATE (on SQLite, the write lock
// of BEGIN IMMEDIATE), which works on CockroachDB too, unlike advisory
// locks. On SQLite and PostgreSQL each migration commits with its version
// row; MySQL commits each schema statement on its own, so its migrations are
// written to be safe to run again.
func (s *Store) Migrate(ctx context.Context) error {
	all, err := s.migrations()
	if err != nil {
		return err
	}
	if err := s.bootstrapMigrations(ctx); err != nil {
		return err
	}
	// Taking the lock can time out (MySQL 1205) or deadlock while another
	// process migrates; the loop tries again.
	for attempt := 1; ; attempt++ {
		err = s.migrateLocked(ctx, all)
		if err == nil || !s.retryable(err) || ctx.Err() != nil || attempt >= s.maxAttempts {
			return err
		}
		if err := sleep(ctx, s.backoff(attempt)); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
	}
}

// bootstrapMigrations creates the version and lock tables and the lock row,
// if missing. Two processes creating a table at once can collide even with
// IF NOT EXISTS (PostgreSQL); the loser tries again and finds it.
func (s *Store) bootstrapMigrations(ctx context.Context) error {
	stmts := s.bootstrapStatements()
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		err = nil
		for _, q := range stmts {
			if _, err = s.db.ExecContext(ctx, q); err != nil {
				break
			}
		}
		if err == nil || ctx.Err() != nil {
			break
		}
		if serr := sleep(ctx, s.backoff(attempt)); serr != nil {
			break
		}
	}
	return s.translate(ctx, "migrate: create version table", err)
}

func (s *Store) bootstrapStatements() []string {
	var versions, lock string
	switch s.d.id {
	case mysqlID:
		versions = `CREATE TABLE IF NOT EXISTS roster_schema_migrations (
    version    INT NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    applied_at CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
		lock = `CREATE TABLE IF NOT EXISTS roster_schema_migrations_lock (
    id INT NOT NULL PRIMARY KEY
) ENGINE=InnoDB`
	default:
		versions = `CREATE TABLE IF NOT EXISTS roster_schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`
		lock = `CREATE TABLE IF NOT EXISTS roster_schema_migrations_lock (
    id INTEGER NOT NULL PRIMARY KEY
)`
	}
	row := `INSERT INTO roster_schema_migrations_lock (id) VALUES (1)` + s.d.ignoreDuplicate("id")
	return []string{s.sql(versions), s.sql(lock), s.sql(row)}
}

// migrateLocked takes the migration lock and applies what is missing.
func (s *Store) migrateLocked(ctx context.Context, all []migration) error {
	if s.d.beginImmediate() {
		// SQLite: one IMMEDIATE transaction holds the write lock and
		// applies every missing migration.
		return s.attemptImmediate(ctx, func(ctx context.Context) error {
			return s.applyMissing(ctx, s.conn(ctx), all)
		}, nil)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.translate(ctx, "migrate: begin", err)
	}
	defer func() { _ = tx.Rollback() }()
	var one int
	if err := tx.QueryRowContext(ctx, s.sql(`SELECT id FROM roster_schema_migrations_lock WHERE id = 1 FOR UPDATE`)).Scan(&one); err != nil {
		return s.translate(ctx, "migrate: lock", err)
	}
	if s.d.transactionalDDL() {
		if err := s.applyMissing(ctx, tx, all); err != nil {
			return err
		}
	} else {
		// MySQL commits schema changes at once, which would end the lock's
		// transaction: they run on another connection while tx holds the
		// lock.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return s.translate(ctx, "migrate: connect", err)
		}
		err = s.applyMissing(ctx, conn, all)
		_ = conn.Close()
		if err != nil {
			return err
		}
	}
	return s.translate(ctx, "migrate: commit", tx.Commit())
}

// applyMissing applies, on q, the migrations not yet recorded.
func (s *Store) applyMissing(ctx context.Context, q querier, all []migration) error {
	applied := map[int]bool{}
	rows, err := q.QueryContext(ctx, s.sql(`SELECT version FROM roster_schema_migrations`))
	if err != nil {
		return s.translate(ctx, "migrate: read versions", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return s.translate(ctx, "migrate: read versions", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return s.translate(ctx, "migrate: read versions", err)
	}
	rows.Close()
	record := s.sql(`INSERT INTO roster_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`)
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		for i, stmt := range m.statements {
			if _, err := q.ExecContext(ctx, stmt); err != nil {
				return s.translate(ctx, fmt.Sprintf("migrate: %s statement %d", m.name, i+1), err)
			}
		}
		if _, err := q.ExecContext(ctx, record, m.version, m.name, encTime(time.Now())); err != nil {
			return s.translate(ctx, "migrate: record "+m.name, err)
		}
	}
	return nil
}

// Version returns the highest migration version applied to the database,
// or 0 when none is.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.sql(`SELECT MAX(version) FROM roster_schema_migrations`)).Scan(&v)
	if err != nil {
		return 0, s.translate(ctx, "schema version", err)
	}
	return int(v.Int64), nil
}
