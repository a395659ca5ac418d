package storagetest

import (
	"testing"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
)

// Store is what a store must implement to run the suite: the domain
// packages' store interfaces, on one value.
type Store interface {
	membership.Store
	invite.Store
	apikey.Store
}

// Run runs the whole conformance suite against the stores newStore makes.
// newStore is called once per subtest; it may return the same store each
// time (see the package documentation).
//
// The areas run one after another; subtests within an area run in
// parallel, except in Events and Worker, whose subtests share the store's
// outbox.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	// Events first: on a shared database no other area has left messages
	// in the outbox yet.
	t.Run("Events", func(t *testing.T) { testEvents(t, newStore) })
	t.Run("Worker", func(t *testing.T) { testWorker(t, newStore) })
	t.Run("Store", func(t *testing.T) { testStore(t, newStore) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, newStore) })
	t.Run("Transactions", func(t *testing.T) { testTransactions(t, newStore) })
	t.Run("Organizations", func(t *testing.T) { testOrganizations(t, newStore) })
	t.Run("Workspaces", func(t *testing.T) { testWorkspaces(t, newStore) })
	t.Run("Members", func(t *testing.T) { testMembers(t, newStore) })
	t.Run("Ceiling", func(t *testing.T) { testCeiling(t, newStore) })
	t.Run("Checks", func(t *testing.T) {
		testChecks(t, newStore)
		testCheckModel(t, newStore)
	})
	t.Run("Policies", func(t *testing.T) { testPolicies(t, newStore) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, newStore) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, newStore) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
	t.Run("Invitations", func(t *testing.T) { testInvitations(t, newStore) })
	t.Run("Links", func(t *testing.T) { testLinks(t, newStore) })
	t.Run("Seats", func(t *testing.T) { testSeats(t, newStore) })
	t.Run("Revocation", func(t *testing.T) { testRevocation(t, newStore) })
	t.Run("Reads", func(t *testing.T) { testReads(t, newStore) })
	t.Run("UserInvitations", func(t *testing.T) { testUserInvitations(t, newStore) })
	t.Run("Edges", func(t *testing.T) { testEdges(t, newStore) })
	t.Run("APIKeys", func(t *testing.T) { testAPIKeys(t, newStore) })
}
