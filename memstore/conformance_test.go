package memstore_test

import (
	"testing"

	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/storage/storagetest"
)

// TestConformance runs the conformance suite on a fresh memstore per
// subtest.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store { return memstore.New() })
}

// TestConformanceSharedStore runs the suite with one memstore for every
// subtest, the way a host runs it on one database.
func TestConformanceSharedStore(t *testing.T) {
	st := memstore.New()
	storagetest.Run(t, func(t *testing.T) storagetest.Store { return st })
}
