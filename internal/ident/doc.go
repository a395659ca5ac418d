// Package ident is Roster's single source of truth for the text people and
// hosts type: email addresses and lists of them, domains, host user IDs
// and display names. The membership and invite packages both check their
// input here, so an address AddMember accepts is exactly one an invitation
// accepts, and every name (organization, workspace, member, invitee,
// inviter) follows one policy.
//
// Every function is linear in the length of its input and stops early on
// over-long input, so a caller who is refused anyway cannot make Roster
// spend more than a pass over what they sent.
//
// Errors wrap ErrInvalidInput; those about an email address wrap
// ErrInvalidEmail, which itself matches ErrInvalidInput. Messages say why
// and never repeat the refused text.
package ident
