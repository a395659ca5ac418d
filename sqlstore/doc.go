// Package sqlstore keeps Roster's data in a SQL database through
// database/sql: one Store that implements membership.Store and
// invite.Store, over three dialects. It imports no database driver: a host
// opens its database with the driver package of its choice, and compiles
// that driver only.
//
//	import "github.com/rosterkit/roster/sqlstore/sqlite"
//
//	st, err := sqlite.Open(ctx, "roster.db") // creates and migrates the file
//	if err != nil { ... }
//	defer st.Close()
//	m, err := membership.New(st, membership.Options{})
//	if err != nil { ... }
//	iv, err := invite.New(m, invite.Options{})
//
// # Databases
//
//	| database         | import            | Open(ctx, dsn)                            | driver                         |
//	| ---------------- | ----------------- | ----------------------------------------- | ------------------------------ |
//	| SQLite           | sqlstore/sqlite   | "roster.db" or ":memory:"                 | modernc.org/sqlite (no cgo)    |
//	| PostgreSQL       | sqlstore/postgres | "postgres://u:p@host:5432/db?sslmode=..." | github.com/jackc/pgx/v5/stdlib |
//	| MySQL 8, MariaDB | sqlstore/mysql    | "u:p@tcp(host:3306)/db"                   | github.com/go-sql-driver/mysql |
//
// Each driver package's Open adds its driver's defaults to the DSN (SQLite:
// busy timeout, foreign keys, WAL, an in-memory database shared by the
// pool; MySQL: interpolateParams), opens, pings and migrates, and its Store
// owns the database. A host that already has a *sql.DB passes it to the
// driver package's New, or to New here with the dialect (SQLite, Postgres;
// MySQL needs its driver's error codes, see ErrorCodes), and calls Migrate
// (or applies the files itself).
//
// Why a package per driver rather than database/sql's convention of a
// blank import and a driver name: a driver needs more than its
// registration. Its defaults, and the reading of its error codes (the MySQL
// driver exposes them only as a field of its own type), have to live in
// code that imports it; a package per driver keeps them there with no
// init() registration or global state in Roster, and a host that forgets
// its driver gets a compile error rather than "sql: unknown driver" at
// start-up. The import graph is what gets compiled, so an SQLite host
// links neither pgx nor the MySQL driver, and a host on the in-memory
// store (memstore) links no driver at all.
//
// A host on another driver (lib/pq, mattn/go-sqlite3, …) opens its *sql.DB
// and calls OpenDB or New with the dialect and, where the driver's errors
// do not expose their code through a Code() int or SQLState() string
// method, ErrorCodes.
//
// # Migrations
//
// The schema is numbered SQL files per dialect, embedded in the binary
// (Dialect.Migrations returns them as an fs.FS for hosts that run their own
// tool). Migrate applies those not yet recorded in the
// roster_schema_migrations table, in order; it is idempotent and safe when
// several processes start at once: they take turns on a row of
// roster_schema_migrations_lock read FOR UPDATE (on SQLite, the write lock
// of BEGIN IMMEDIATE). The TablePrefix option replaces "roster_" in every
// table and index name, for hosts that share a schema.
//
// # Transactions
//
// Transactions ride in the context (Transact); store methods called with
// that context join them, and a nested Transact joins the outer one.
// Mutations of one organization are serialized: on PostgreSQL and MySQL by
// writing the organization's row, a version bump that locks it
// (LockOrganization), which a Galera cluster's certification and the
// serializable validation of CockroachDB and YugabyteDB see as well; on
// SQLite every write transaction begins IMMEDIATE, behind a busy timeout,
// and the writers of one process take turns before it. Serialization
// failures, deadlocks, lock timeouts, failed certifications and a busy
// SQLite database (SQLSTATE 40001 and 40P01, MySQL 1213 and 1205, Galera
// 1047, SQLITE_BUSY) run the whole transaction again
// after a randomized backoff, up to MaxAttempts times; other errors never
// do. Unique constraints are the last line of defence: one membership per
// user and organization, one pending invitation per canonical email and
// organization, unique token hashes.
//
// Errors are the library's sentinels (storage.ErrNotFound,
// storage.ErrConflict) wrapped with the operation's name; one translator
// per dialect decides what a database's error code means, whichever driver
// read it. No SQL text and
// no driver message reaches an error string, since drivers quote the values
// of rows; the driver's error stays reachable with errors.As.
//
// # What the schema looks like
//
// IDs are UUIDs (native on PostgreSQL, text elsewhere). Timestamps are
// fixed-width UTC RFC 3339 text with nanoseconds, taken from the library's
// Clock and never from the database's NOW(): they round-trip exactly on
// every dialect and sort as text in time order (read them as dates with
// column::timestamptz on PostgreSQL). Settings, role maps and audit details
// are JSON text. On MySQL every text column compares by bytes
// (utf8mb4_bin; ascii_bin for IDs and timestamps; VARBINARY token hashes),
// so "Ann@" and "ann@", "i" and "í" never collide. PostgreSQL compares
// text with the database's collation: lists sorted by user ID follow it (byte
// order on a "C" database and on CockroachDB), and keyset pages stay exact
// whatever it is.
//
// Permission checks (CheckAccess) are one prepared query by primary keys.
// Lists page by keyset within the organization (org_id = ? AND key > ?),
// never by OFFSET, so a deep page costs what the first does.
//
// # Distributed SQL
//
// The PostgreSQL dialect uses only what CockroachDB and YugabyteDB also
// accept, so a host that outgrows one server moves without changing Roster.
// That rules out advisory locks (Migrate locks a row instead) and
// LISTEN/NOTIFY (the outbox is polled with Claim). The schema also avoids
// what distributed SQL handles poorly or not at all: sequences and SERIAL
// keys (IDs are UUIDv7 made in Go), column collations (CockroachDB cannot
// create "C" columns) and server-side time (the Clock gives every
// timestamp). On CockroachDB, which runs SERIALIZABLE, contention surfaces
// as SQLSTATE 40001 and is retried.
package sqlstore
