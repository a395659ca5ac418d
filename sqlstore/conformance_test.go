package sqlstore

import (
	"testing"

	"github.com/rosterkit/roster/storage/storagetest"
)

// TestConformance runs the whole storagetest suite, membership and
// invitations, on every target: SQLite as a file, in memory and with a
// shared cache, PostgreSQL and MySQL or MariaDB. Each target is one
// migrated database that every subtest shares; subtests create their own
// organizations.
func TestConformance(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			st := tg.open(t)
			newStore := func(*testing.T) storagetest.Store { return st }
			storagetest.Run(t, newStore)
		})
	}
}
