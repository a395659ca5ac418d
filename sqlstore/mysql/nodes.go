package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/rosterkit/roster/sqlstore"
)

// OpenNodes opens one store whose connection pool spans several nodes of
// one database, such as a MariaDB Galera cluster: each new connection goes
// to the node that answered last, or, when it does not answer, to the next
// (see Nodes). It then checks that the database answers and migrates it,
// as Open does. When a node dies, the transactions running on it fail;
// later ones get connections to the nodes that remain.
func OpenNodes(ctx context.Context, dsns []string, opts ...sqlstore.Option) (*sqlstore.Store, error) {
	c, err := Nodes(dsns...)
	if err != nil {
		return nil, err
	}
	return sqlstore.OpenDB(ctx, sql.OpenDB(c), sqlstore.MySQL, withErrorCodes(opts)...)
}

// Nodes returns a database/sql connector over several nodes of one
// database, given by their DSNs (with Open's defaults): each new
// connection goes to the node that answered last, or, when it does not
// answer, to the next in turn. Hand it to sql.OpenDB and the pool to New:
//
//	c, err := mysql.Nodes(dsn1, dsn2, dsn3)
//	...
//	st, err := mysql.New(sql.OpenDB(c))
//
// A node that answers but cannot serve (a Galera node outside the primary
// component reports error 1047) fails the transaction, which the store
// runs again.
func Nodes(dsns ...string) (driver.Connector, error) {
	if len(dsns) == 0 {
		return nil, fmt.Errorf("%w: no mysql DSN", sqlstore.ErrInvalidOption)
	}
	n := &nodes{}
	for i, dsn := range dsns {
		cfg, err := config(dsn)
		if err != nil {
			return nil, fmt.Errorf("%w (node %d)", err, i+1)
		}
		c, err := gomysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("%w: mysql DSN (node %d)", sqlstore.ErrInvalidOption, i+1)
		}
		n.nodes = append(n.nodes, c)
	}
	return n, nil
}

// nodes is a driver.Connector that dials the node that answered last, or
// the next ones in turn.
type nodes struct {
	nodes []driver.Connector
	last  atomic.Int64 // index of the node that answered last
}

// Connect returns a connection to the first node that answers, starting
// with the one that answered last, or the last node's error.
func (n *nodes) Connect(ctx context.Context) (driver.Conn, error) {
	first := int(n.last.Load())
	var err error
	for k := range n.nodes {
		i := (first + k) % len(n.nodes)
		var c driver.Conn
		if c, err = n.nodes[i].Connect(ctx); err == nil {
			n.last.Store(int64(i))
			return c, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// Driver returns the MySQL driver.
func (n *nodes) Driver() driver.Driver { return n.nodes[0].Driver() }
