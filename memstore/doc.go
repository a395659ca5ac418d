// Package memstore is Roster's in-memory store, the embedded default: one
// value that implements membership.Store (and the invite package's store),
// with no server, no setup and nothing to close.
//
//	st := memstore.New()
//	m, err := membership.New(st, membership.Options{})
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
// LockOrganization promises. A transaction changes the data in place and
// logs the inverse of each change; rolling back runs the log backwards.
// From its first change to its end it also holds the data lock, so reads
// outside it wait for the commit or the rollback and see committed data
// only, never half a transaction. (A call with another context from inside
// the transaction's own function would wait for itself: pass it the
// function's ctx.) Permission checks do not wait; see below.
//
// # Cost
//
// Lists are keyset-paged B-tree ranges: a page of 50 members, workspaces,
// access rows or audit events costs the same in an organization of a
// thousand members as in one of a million, first page or last. Filters
// other than one workspace scan until the page is full. Member counts by
// role, by kind, of licensed members, of active members and in total are
// kept as counters, so the last-owner check of every mutation costs O(1)
// and the seat check O(pending invitations). Removing a member costs O(its
// workspaces) plus a scan of the organization's pending invitations and
// links (to revoke those it sent); removing a workspace, O(its members).
//
// # Permission checks
//
// membership.Service.Can and CanOrg ask CheckPermissions (the Store is a
// membership.PermissionIndex), and other checks CheckAccess; both read a
// separate index: a hash table from organization and user to an immutable
// entry holding the org role, grants, the deactivated flag, the member's
// workspace roles and, under the catalog of the first Service made over
// the Store, its permission sets: one per workspace it has access to (the
// first three inside the entry), one for every workspace when its org role
// is AllWorkspaces (checked against its organization's immutable set of
// workspace IDs), and one for the organization. Each bucket keeps a small
// signature of its entries' workspaces, so that most denied checks read the
// bucket only. Readers search it with atomic loads only: no lock, no
// allocation, no shared write, so checks scale with cores. The index is
// rebuilt at commit for exactly the members and organizations the
// transaction touched, so a check never sees an uncommitted change, and a
// removed member is denied as soon as the removal returns. Inside a
// transaction, both answer from the transaction's own changes. A Service
// whose catalog differs in its roles from the indexed one gets the same
// answers through CheckAccess.
//
// # Invitations
//
// The Store also implements invite.Store, in the same transactions:
// invitations and links live in their organization and go with it, and
// store-wide trees find them by token hash.
package memstore
