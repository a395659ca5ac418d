// Package storagetest is the conformance suite every Roster store passes:
// the store contracts of membership.Store and invite.Store, the invariants
// of the membership and invite Services run on top of the store (at least
// one owner, who may grant what, tenant isolation, seats and licences,
// tokens accepted at most once, audit and events), pagination, transactions
// and concurrency.
//
// A store runs the whole suite with one test:
//
//	func TestConformance(t *testing.T) { storagetest.Run(t, func(t *testing.T) storagetest.Store { return mystore.New(t) }) }
//
// The factory is called once per subtest. It may return a fresh store each
// time, or the same store over one database: every subtest creates its own
// organizations with unique slugs and user-scoped names, so parallel
// subtests do not see each other. Areas whose subtests share the global
// outbox (Events) run their subtests one at a time. Run the suite with
// -race: the Concurrency area races many goroutines on one organization.
//
// Besides Roster's own packages, the suite uses only the standard library,
// github.com/google/uuid and github.com/matryer/is, so a host running it
// pulls in nothing else.
package storagetest
