package sqlite

import (
	"context"
	"database/sql/driver"
	"sync"
)

// keepAlive opens the connections of an in-memory database and holds one
// more, outside the pool, from the first connection until the database is
// closed: an in-memory SQLite database vanishes with its last connection,
// and database/sql closes idle connections as it likes. The held connection
// takes no place in the pool, so SetMaxOpenConns(1) still works. sql.DB's
// Close calls Close.
type keepAlive struct {
	driver.Connector

	mu     sync.Mutex
	held   driver.Conn
	closed bool
}

// Connect opens a connection of the pool, and the held one first.
func (k *keepAlive) Connect(ctx context.Context) (driver.Conn, error) {
	k.mu.Lock()
	if k.held == nil && !k.closed {
		held, err := k.Connector.Connect(ctx)
		if err != nil {
			k.mu.Unlock()
			return nil, err
		}
		k.held = held
	}
	k.mu.Unlock()
	return k.Connector.Connect(ctx)
}

// Close releases the held connection, and with the pool's the database.
func (k *keepAlive) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	if k.held == nil {
		return nil
	}
	err := k.held.Close()
	k.held = nil
	return err
}
