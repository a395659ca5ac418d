package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Dialect is what differs between the databases the Store runs on:
// placeholder style, upsert and locking clauses, how a transaction begins and
// what its error codes mean. The Store has one implementation; a Dialect is a
// small value that it consults. Use SQLite, Postgres or MySQL.
type Dialect struct{ id dialectID }

type dialectID uint8

const (
	noDialect dialectID = iota
	sqliteID
	postgresID
	mysqlID
)

// The supported dialects. A dialect names no driver: the packages
// sqlstore/sqlite, sqlstore/postgres and sqlstore/mysql pair each with one.
var (
	// SQLite is SQLite 3, by default through modernc.org/sqlite (no cgo,
	// sqlstore/sqlite): the embedded default. Writes are serialized by BEGIN
	// IMMEDIATE and a busy timeout.
	SQLite = Dialect{sqliteID}
	// Postgres is PostgreSQL, by default through github.com/jackc/pgx/v5/stdlib
	// (sqlstore/postgres). It uses only what CockroachDB and YugabyteDB also
	// accept.
	Postgres = Dialect{postgresID}
	// MySQL is MySQL 8 or MariaDB 10.6+ through github.com/go-sql-driver/mysql
	// (sqlstore/mysql, which also reads its error codes).
	MySQL = Dialect{mysqlID}
)

// String returns the dialect's name: "sqlite", "postgres" or "mysql".
func (d Dialect) String() string {
	switch d.id {
	case sqliteID:
		return "sqlite"
	case postgresID:
		return "postgres"
	case mysqlID:
		return "mysql"
	}
	return "invalid"
}

func (d Dialect) valid() bool { return d.id != noDialect }

// rebind rewrites the ? placeholders of q into the dialect's style. The
// store's queries never hold a ? inside a string literal.
func (d Dialect) rebind(q string) string {
	if d.id != postgresID || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// upsert returns the clause that turns an INSERT into "insert or update
// cols" when a row with the same key (conflict: the key's columns) exists.
func (d Dialect) upsert(conflict string, cols ...string) string {
	var b strings.Builder
	if d.id == mysqlID {
		b.WriteString(" ON DUPLICATE KEY UPDATE ")
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c + " = VALUES(" + c + ")")
		}
		return b.String()
	}
	b.WriteString(" ON CONFLICT (" + conflict + ") DO UPDATE SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = excluded." + c)
	}
	return b.String()
}

// ignoreDuplicate returns the clause that makes an INSERT of an existing key
// do nothing.
func (d Dialect) ignoreDuplicate(conflict string) string {
	if d.id == mysqlID {
		first, _, _ := strings.Cut(conflict, ",")
		first = strings.TrimSpace(first)
		return " ON DUPLICATE KEY UPDATE " + first + " = " + first
	}
	return " ON CONFLICT (" + conflict + ") DO NOTHING"
}

// forUpdate returns the clause that locks the rows a SELECT reads until the
// transaction ends. SQLite has none: its write transactions begin
// IMMEDIATE, which serializes them as a whole.
func (d Dialect) forUpdate() string {
	if d.id == sqliteID {
		return ""
	}
	return " FOR UPDATE"
}

// txOptions are the options of a transaction the store begins. MySQL runs at
// READ COMMITTED, like PostgreSQL's default, so that a read after the
// organization lock sees what the previous holder committed and fewer gap
// locks make fewer deadlocks.
func (d Dialect) txOptions() *sql.TxOptions {
	if d.id == mysqlID {
		return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return nil
}

// beginImmediate reports whether write transactions begin with BEGIN
// IMMEDIATE on a dedicated connection instead of database/sql's BEGIN.
func (d Dialect) beginImmediate() bool { return d.id == sqliteID }

// transactionalDDL reports whether schema changes roll back with their
// transaction, so a migration and its version row commit together.
func (d Dialect) transactionalDDL() bool { return d.id != mysqlID }

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
