// Package storage holds what every Roster store shares: the Transactor that
// carries a transaction in the context, the sentinel errors stores return, and
// keyset pagination with opaque cursors.
//
// Domain packages declare the store interfaces they consume
// (membership.Store, invite.Store); each embeds Transactor, so one store value
// serves both and a transaction started by one package is joined by the
// other.
package storage
