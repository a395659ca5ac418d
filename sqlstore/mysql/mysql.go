// Package mysql opens Roster's SQL store on MySQL 8 or MariaDB 10.6+
// through github.com/go-sql-driver/mysql. Importing it links that driver
// and no other one.
//
//	st, err := mysql.Open(ctx, "app:secret@tcp(localhost:3306)/app")
//	if err != nil { ... }
//	defer st.Close()
//	m, err := membership.New(st, membership.Options{})
//
// Besides the connection, the package hands the store its driver's error
// numbers (sqlstore.ErrorCodes), which the MySQL driver exposes only as a
// field of its own error type: with them the store retries deadlocks and
// lock timeouts (1213, 1205; on a Galera cluster also failed certifications,
// 1213, and a node not ready, 1047) and reports duplicates (1062) as
// storage.ErrConflict. OpenNodes and Nodes give one store a pool over
// several nodes of a cluster. Hosts that open their own *sql.DB use New, not
// sqlstore.New, for the same reason.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/rosterkit/roster/sqlstore"
)

// Open opens the MySQL or MariaDB database dsn, checks that it answers and
// migrates it to the current schema (unless sqlstore.SkipMigrate is given).
// dsn is the driver's data source name, e.g.
// "app:secret@tcp(localhost:3306)/app". Open turns on the driver's
// interpolateParams unless the DSN sets it: one round trip per statement
// instead of three. The Store owns the database: Close closes it.
func Open(ctx context.Context, dsn string, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	cfg, err := config(dsn)
	if err != nil {
		return nil, err
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: mysql DSN", sqlstore.ErrInvalidOption)
	}
	return sqlstore.OpenDB(ctx, sql.OpenDB(c), sqlstore.MySQL, withErrorCodes(opts)...)
}

// New returns a Store over db, a MySQL or MariaDB database the host opened
// with github.com/go-sql-driver/mysql and closes itself: sqlstore.New with
// the MySQL dialect and the driver's error codes. Call Migrate, or apply
// the dialect's Migrations with your own tool.
func New(db *sql.DB, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	return sqlstore.New(db, sqlstore.MySQL, withErrorCodes(opts)...)
}

// config parses dsn and adds the store's defaults.
func config(dsn string) (*gomysql.Config, error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: mysql DSN does not parse", sqlstore.ErrInvalidOption)
	}
	// One round trip per statement instead of three (prepare, execute,
	// close); the driver escapes for the utf8mb4 connection.
	if !strings.Contains(dsn, "interpolateParams") {
		cfg.InterpolateParams = true
	}
	return cfg, nil
}

// withErrorCodes puts the driver's error codes before the host's options.
func withErrorCodes(opts []sqlstore.Option) []sqlstore.Option {
	return append([]sqlstore.Option{sqlstore.ErrorCodes(errorCode)}, opts...)
}

// errorCode returns the MySQL error number an error of the driver carries.
func errorCode(err error) (string, bool) {
	var e *gomysql.MySQLError
	if !errors.As(err, &e) {
		return "", false
	}
	return strconv.Itoa(int(e.Number)), true
}
