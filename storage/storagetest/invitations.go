package storagetest

import (
	"testing"
)

// testInvitations runs the invitation part of the suite: the contracts of
// invite.Store's invitation methods on the raw store, then the invitation
// lifecycle of the invite Service on top of it (who may invite, batches,
// accepting safely, seats, quotas, audit, delivery), then its races. The
// store must also implement invite.Store.
//
// Subtests that deliver mail share the store's outbox and run one at a
// time, before the others; the others send no mail.
func testInvitations(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { testInvitationStore(t, newStore) })
	t.Run("Delivery", func(t *testing.T) { testInvitationDelivery(t, newStore) })
	t.Run("Lifecycle", func(t *testing.T) { testInvitationLifecycle(t, newStore) })
	t.Run("Authority", func(t *testing.T) { testInvitationAuthority(t, newStore) })
	t.Run("Limits", func(t *testing.T) { testInvitationLimits(t, newStore) })
	t.Run("Attacks", func(t *testing.T) { testInvitationAttacks(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testInviteConcurrency(t, newStore) })
}
