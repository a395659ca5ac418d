// Package membership manages organizations, workspaces and members, and
// answers the permission check a host runs on every request.
//
// A Service works over a Store (memstore for the embedded default, sqlstore
// for SQLite, PostgreSQL and MySQL, or the host's own). Every method names
// the acting user and the organization explicitly; nothing is taken from
// client input. Every mutation:
//
//   - runs in one transaction that first locks its organization, so changes
//     that can race (the last owner, seats, licences) are serialized;
//   - checks the actor's authority with roles.Ceiling: nobody gives more
//     than they hold or changes someone ranked above them;
//   - writes its audit event and its host event (to the outbox) in that same
//     transaction; refused attempts are audited too.
//
// The invariants hold on every store and are proven by storagetest.Run: an
// organization always keeps an active owner; owners and admins administer
// every workspace; removing a member removes its access at once; IDs of
// another organization are ErrNotFound; seats (members plus pending
// invitations) and licences are never exceeded; a member who loses the
// right to invite takes the invitations and links it sent along.
//
// A member is a co-worker or a guest (Kind), decided when it joins: someone
// whose email is outside the organization's Settings.Domains is a guest and
// holds the catalog's guest role. Guests never invite. Changing Domains
// later reclassifies nobody; SetKind does, explicitly and audited
// (EventKindChanged): a guest made a co-worker keeps its role until
// ChangeRole gives another, a co-worker made a guest takes the guest role.
//
// Can is the hot path: one store look-up and a bit test, no allocation on
// memstore. Events reach the host's Dispatcher after commit, at least once.
//
// # Errors
//
// Every method that takes a context may return, besides the errors its own
// comment names: ErrInvalidOptions (a Service not made by New),
// ErrInvalidInput (a nil context, a malformed or over-long ID, name or
// filter, checked before anything is read), ErrNotFound (an organization,
// workspace or member that does not exist, or belongs to another
// organization), ErrForbidden (the actor lacks the permission the comment
// names, or the authority of roles.Ceiling; a non-member actor is
// ErrForbidden too), storage.ErrInvalidCursor (a bad page), and store
// failures. Every refused mutation changes nothing and is audited.
// CodeOf gives each error's stable code and HTTPStatus its status.
package membership
