// Package memstore is Roster's in-memory store, the embedded default: one
// value that implements membership.Store (and the invite package's store),
// with no server, no setup and nothing to close.
//
//	st := memstore.New()
//	m := membership.New(st, membership.Options{})
//
// It suits tests, demos, single-process tools, and hosts that keep their
// data elsewhere and rebuild it at start. Everything lives in the process:
// a restart loses it.
//
// # Transactions
//
// Transact runs a function in a transaction that rides in its context.
// Store methods called with that context join it and see its changes; a
// nested Transact joins the outer one. When the function returns an error
// or panics, or its context is done before the commit, the transaction
// rolls back and leaves no trace: no row, no audit event, no outbox
// message. Methods called without a transaction run as a transaction of
// their own.
//
// Transactions run one at a time: a writer lock, held from the start of a
// transaction to its end, serializes every mutation, which is what
// LockOrganization promises. Reads never wait for it. The committed data is
// a set of copy-on-write B-trees (github.com/google/btree): a transaction
// clones the trees it writes, which is O(1), copies only the nodes it
// changes, and publishes its version with one atomic store at commit.
// Rolling back is dropping that version. A read outside a transaction loads
// the last committed version and sees committed data only, never a half of
// a transaction.
//
// # Cost
//
// Lists are keyset-paged B-tree ranges: a page of 50 members, workspaces,
// access rows or audit events costs the same in an organization of a
// thousand members as in one of a million, first page or last. Filters
// other than one workspace scan until the page is full. Member counts by
// role, by kind, of licensed members and in total are kept as counters, so
// the seat and last-owner checks of every mutation cost O(1). Removing a
// member costs O(its workspaces); removing a workspace, O(its members).
//
// # Permission checks
//
// CheckAccess, behind membership.Service.Can on every request, reads a
// separate index: a sync.Map (a lock-free hash trie) from organization and
// user to an immutable entry holding the org role, grants, the deactivated
// flag and the member's few workspace roles, and a second one recording
// which workspaces exist. It takes no lock and allocates nothing. The index
// is rebuilt at commit for exactly the members and workspaces the
// transaction touched, so a check never sees an uncommitted change, and a
// removed member is denied as soon as the removal returns. Inside a
// transaction, CheckAccess answers from the transaction's own changes.
package memstore
