package main

import (
	"testing"

	"github.com/rosterkit/roster/storage/storagetest"
)

// TestConformance is all a host's store needs to prove it keeps Roster's
// invariants.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store { return NewCountingStore() })
}
