package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"

	"modernc.org/sqlite"
)

// countingConnector opens SQLite connections that count the statements
// they run, so a benchmark can report statements per operation. Prepared
// statements count once per execution.
type countingConnector struct {
	dsn string
	n   *counts
}

// counts are the statements and the transactions (BEGIN) run.
type counts struct{ stmts, txs atomic.Int64 }

func (c *counts) reset() { c.stmts.Store(0); c.txs.Store(0) }

func (c countingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := (&sqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, n: c.n}, nil
}

func (c countingConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// openCounting opens the SQLite database file dsn, with the settings
// sqlstore/sqlite gives a file, and counts its statements in n.
func openCounting(dsn string, n *counts) *sql.DB {
	dsn += "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	return sql.OpenDB(countingConnector{dsn: dsn, n: n})
}

type countingConn struct {
	driver.Conn
	n *counts
}

var errUnsupported = errors.New("counting connection: unsupported")

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.n.stmts.Add(1)
	if strings.HasPrefix(q, "BEGIN") {
		c.n.txs.Add(1)
	}
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, q, args)
	}
	return nil, errUnsupported
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.stmts.Add(1)
	if e, ok := c.Conn.(driver.QueryerContext); ok {
		return e.QueryContext(ctx, q, args)
	}
	return nil, errUnsupported
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, n: c.n}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.stmts.Add(1)
	c.n.txs.Add(1)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

type countingStmt struct {
	driver.Stmt
	n *counts
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.stmts.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.stmts.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
