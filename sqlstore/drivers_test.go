package sqlstore_test

import (
	"github.com/rosterkit/roster/sqlstore"
	"github.com/rosterkit/roster/sqlstore/mysql"
	"github.com/rosterkit/roster/sqlstore/postgres"
	"github.com/rosterkit/roster/sqlstore/sqlite"
)

// The driver packages import sqlstore, so the package's own tests cannot
// import them; this external test file hands them over, and every test
// opens its databases exactly as a host does.
func init() {
	sqlstore.Drivers = map[sqlstore.Dialect]sqlstore.Driver{
		sqlstore.SQLite:   {Open: sqlite.Open, New: sqlite.New},
		sqlstore.Postgres: {Open: postgres.Open, New: postgres.New},
		sqlstore.MySQL:    {Open: mysql.Open, New: mysql.New, OpenNodes: mysql.OpenNodes},
	}
}
