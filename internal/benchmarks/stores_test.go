package benchmarks

import (
	"testing"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
)

// storeFactory opens one store for the benchmarks.
type storeFactory struct {
	name     string
	large    int  // the large organization size for this store
	parallel bool // run BenchmarkCanParallel on it
	open     func(b *testing.B) membership.Store
}

// stores lists the stores to measure: memstore always, the SQL stores when
// they can be reached.
func stores(b *testing.B) []storeFactory {
	return []storeFactory{
		{name: "memstore", large: 1_000_000, parallel: true, open: func(b *testing.B) membership.Store { return memstore.New() }},
	}
}

// memstoreFactory is the store whose fixture the floor shares: the floor
// and Can on memstore read the same requests on the same workspace IDs.
func memstoreFactory(b *testing.B) storeFactory {
	for _, sf := range stores(b) {
		if sf.name == "memstore" {
			return sf
		}
	}
	b.Fatal("no memstore in stores")
	return storeFactory{}
}
