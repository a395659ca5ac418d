package sqlstore

import (
	"testing"

	"github.com/rosterkit/roster/storage/storagetest"
)

// TestConformanceMulti runs the whole storagetest suite with several
// handles on one database, the concurrency cases spreading their
// goroutines over all but the first, which sets up and checks:
// PostgreSQL through two racing connection pools, and a three-node MariaDB
// Galera cluster through one store per node (checked through a causal
// reader on the first).
func TestConformanceMulti(t *testing.T) {
	multis := []struct {
		name string
		open func(t testing.TB) []*Store
	}{
		{"postgres-two-pools", func(t testing.TB) []*Store {
			dsn := serverDSN(t, envPostgres)
			return openNodes(t, "postgres", []string{dsn, dsn, dsn})
		}},
		{"galera", func(t testing.TB) []*Store {
			reader, nodes := openGalera(t)
			return append([]*Store{reader}, nodes...)
		}},
	}
	for _, m := range multis {
		t.Run(m.name, func(t *testing.T) {
			var sts []storagetest.Store
			for _, st := range m.open(t) {
				sts = append(sts, st)
			}
			storagetest.RunMulti(t, func(*testing.T) []storagetest.Store { return sts })
		})
	}
}
