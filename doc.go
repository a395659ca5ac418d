// Package roster is the overview of Roster, an embeddable library for
// multi-tenant membership: organizations, workspaces, roles and
// permissions, email invitations and invite links, seats and licences, and
// an audit trail, behind storage interfaces a host implements or takes
// ready-made. This package holds no code; the library is its subpackages:
//
//   - roles: permissions as bit sets, organization and workspace roles,
//     catalogs, and Ceiling, the rule of who may give what.
//   - membership: the Service a host calls for organizations, workspaces
//     and members, the permission check (Can), the audit trail, and the
//     outbox worker (Run) that delivers host events.
//   - invite: email invitations with secret tokens, shareable invite links,
//     batch limits and quotas, and the invitation email.
//   - storage: what every store shares: transactions, pages, sentinel
//     errors; storage/storagetest is the conformance suite every store
//     passes.
//   - memstore: the embedded in-memory store.
//   - sqlstore: SQLite, PostgreSQL and MySQL/MariaDB stores.
//
// The acting user is always an explicit argument and the organization is
// always named; an ID from another organization is never acted on. Every
// change is one transaction with its audit event and its outbox messages,
// delivered after commit, at least once.
package roster
