package benchmarks

import (
	"testing"

	"github.com/rosterkit/roster/memstore"
)

// workload is the run's: one store and one fixture per target and size.
var workload Workload

// memstoreTarget is the embedded store: the floor and Can on memstore read
// the same requests on the same fixture.
var memstoreTarget = Target{Name: "memstore", Large: 1_000_000, Parallel: true,
	Open: func(*testing.B) Store { return memstore.New() }}

// targets are the stores this package measures; sqlstore's benchmarks run
// the same workload on SQLite, PostgreSQL and MySQL.
var targets = []Target{memstoreTarget}
