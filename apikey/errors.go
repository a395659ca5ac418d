package apikey

import (
	"github.com/rosterkit/roster/internal/coded"
	"github.com/rosterkit/roster/membership"
)

// Errors of the Service. Each is wrapped with context; test with
// errors.Is. No message carries a key.
var (
	// ErrInvalidKey: a presented key that is malformed, mistyped, of
	// another kind, unknown, revoked or expired. ErrRevoked and ErrExpired
	// are kinds of it, so a host that answers every refusal the same way
	// (HTTP 401) tests for this one.
	ErrInvalidKey = error(coded.New(membership.CodeInvalidAPIKey, "roster: invalid API key"))
	// ErrRevoked: the key was revoked, by its member, by a manager of
	// members, or by the member's removal.
	ErrRevoked = error(coded.Kind(membership.CodeAPIKeyRevoked, "roster: API key revoked", ErrInvalidKey))
	// ErrExpired: the key's expiry has passed.
	ErrExpired = error(coded.Kind(membership.CodeAPIKeyExpired, "roster: API key expired", ErrInvalidKey))
	// ErrOutOfScope: a valid key asked for what its member may do but its
	// scope does not allow (another workspace, an organization permission
	// for a key narrowed to a workspace, a permission it was not given).
	// It is a kind of ErrForbidden, so a host that answers every refusal
	// of authority the same way (HTTP 403) tests for that one.
	ErrOutOfScope = error(coded.Kind(membership.CodeAPIKeyScope, "roster: outside the API key's scope", ErrForbidden))
)

// Errors shared with the membership package: the same values, so either
// name works with errors.Is.
var (
	ErrNotFound       = membership.ErrNotFound
	ErrForbidden      = membership.ErrForbidden
	ErrInvalidRole    = membership.ErrInvalidRole
	ErrInvalidInput   = membership.ErrInvalidInput
	ErrInvalidOptions = membership.ErrInvalidOptions
)
