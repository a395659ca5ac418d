package invite

import (
	"github.com/rosterkit/roster/internal/ident"
)

// Address is one parsed, checked email address.
type Address struct {
	// Email is the address as typed (without the display name and a
	// trailing dot of the domain): what is shown and where mail goes.
	Email string
	// ASCII is Email with its domain in ASCII (IDNA) form, for mail
	// systems that do not take Unicode domains.
	ASCII string
	// Key is the canonical form that identifies the address: the local part
	// with ASCII letters lower-cased (nothing else folded: no dot or
	// plus-tag stripping, no Unicode case folding) and the domain in
	// lower-case ASCII form.
	Key string
	// Domain is the lower-case ASCII domain.
	Domain string
	// Name is the display name typed with the address, as plain text.
	Name string
}

// Limits of one address.
const (
	maxEntryLen = ident.MaxEntryLen // one typed entry, display name included
	maxEmailLen = ident.MaxEmailLen // RFC 5321 path limit less the brackets
)

// ParseEmail parses one address, "ann@acme.com" or "Ann <ann@acme.com>",
// and applies Roster's policy on top of net/mail: no control characters
// (CR, LF, NUL…) or invisible and direction-changing characters anywhere
// (the policy of every name, see membership.MaxNameLen), a local part
// that needs no quoting, a dotted DNS domain (no IP literal, no single
// label), converted to ASCII by IDNA, whose labels do not mix scripts.
// The membership package checks a member's email with the same rules.
// Errors wrap ErrInvalidEmail (which matches ErrInvalidInput too) and say
// why. It takes time linear in the length of s.
func ParseEmail(s string) (Address, error) {
	a, err := ident.ParseEmail(s)
	return Address(a), err
}

// checkEntry refuses what must never reach a mail header or a log line
// (ErrInvalidEmail).
func checkEntry(s string) error { return ident.CheckEntry(s) }

// checkDomain returns the lower-case ASCII form of domain, or why it is
// refused (ErrInvalidEmail).
func checkDomain(domain string) (string, error) { return ident.Domain(domain) }

// SplitEmails splits a typed list of addresses on commas, semicolons,
// whitespace and line breaks (which always end an entry: a name never
// spans lines), keeping "Name <addr>", quoted names and
// "addr (comment)" whole, and returns the non-empty entries, trimmed. It
// does not check them. It takes time linear in the length of list.
func SplitEmails(list string) []string { return ident.Split(list, 0) }
