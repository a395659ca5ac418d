package memstore

import (
	"testing"

	"github.com/google/uuid"
)

// TestWorkspaceSetsFindTheirIDsOnly checks sets from empty to large, with
// a slot per ID (exact) and probing, against the IDs they hold and others.
func TestWorkspaceSetsFindTheirIDsOnly(t *testing.T) {
	exact := map[bool]int{}
	for _, n := range []int{0, 1, 2, 3, 7, 20, 40, 100, 1000} {
		for range 5 {
			ids := make([]uuid.UUID, n)
			for i := range ids {
				ids[i] = uuid.Must(uuid.NewV7())
			}
			oc := new(orgCheck)
			oc.workspaces.Store(newWsSet(ids))
			exact[oc.workspaces.Load().exact]++
			for _, id := range ids {
				if !oc.has(id) {
					t.Fatalf("a set of %d (exact %v) lacks one of its IDs", n, oc.workspaces.Load().exact)
				}
			}
			for range 50 {
				if id := uuid.Must(uuid.NewV7()); oc.has(id) {
					t.Fatalf("a set of %d (exact %v) holds an ID never put", n, oc.workspaces.Load().exact)
				}
			}
			if oc.has(uuid.Nil) {
				t.Fatalf("a set of %d holds the nil ID", n)
			}
		}
	}
	// Both kinds of set were looked up.
	if exact[true] == 0 || exact[false] == 0 {
		t.Fatalf("sets with a slot per ID: %d, probing: %d; want some of each", exact[true], exact[false])
	}
}
