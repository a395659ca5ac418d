package invite

import (
	"github.com/rosterkit/roster/internal/coded"
	"github.com/rosterkit/roster/membership"
)

// Errors returned by the Service. Each is wrapped with context; test with
// errors.Is. No message carries a token, a sealed token or a key.
var (
	// ErrInvalidEmail: an address that is not a plain, deliverable email
	// address. A BatchError wraps it once per bad entry. It is
	// membership.ErrInvalidEmail, so AddMember refuses a bad address with
	// it too, and a kind of invalid input: an error wrapping it also
	// matches ErrInvalidInput.
	ErrInvalidEmail = membership.ErrInvalidEmail
	// ErrEmptyBatch: an invitation request without any address.
	ErrEmptyBatch = error(coded.New("empty_batch", "roster: no email address to invite"))
	// ErrBatchTooLarge: more addresses than the batch limit.
	ErrBatchTooLarge = error(coded.New("batch_too_large", "roster: too many email addresses in one batch"))
	// ErrInvalidToken: a token that is malformed, mistyped, truncated, of
	// the wrong kind, or unknown. It never says which.
	ErrInvalidToken = error(coded.New("invalid_token", "roster: invalid invitation token"))
	// ErrExpired: the invitation or link has expired.
	ErrExpired = error(coded.New("expired", "roster: invitation expired"))
	// ErrRevoked: the invitation or link was revoked.
	ErrRevoked = error(coded.New("revoked", "roster: invitation revoked"))
	// ErrAlreadyUsed: the invitation was already accepted.
	ErrAlreadyUsed = error(coded.New("already_used", "roster: invitation already used"))
	// ErrRejected: the invitee declined the invitation.
	ErrRejected = error(coded.New("rejected", "roster: invitation rejected"))
	// ErrUsedUp: the link has no use left.
	ErrUsedUp = error(coded.New("used_up", "roster: invite link used up"))
	// ErrEmailMismatch: the accepting user's email is not the invited one.
	ErrEmailMismatch = error(coded.New("email_mismatch", "roster: email does not match the invitation"))
	// ErrEmailNotVerified: the accepting user's email is not verified.
	ErrEmailNotVerified = error(coded.New("email_not_verified", "roster: email not verified"))
	// ErrDomainNotAllowed: the user's email domain may not join with the link.
	ErrDomainNotAllowed = error(coded.New("domain_not_allowed", "roster: email domain not allowed by the link"))
	// ErrRateLimited: the organization or the inviter has sent as many
	// invitations as the daily limit allows.
	ErrRateLimited = error(coded.New("rate_limited", "roster: invitation rate limit reached"))
	// ErrLinksDisabled: the organization turned invite links off.
	ErrLinksDisabled = error(coded.New("links_disabled", "roster: invite links are disabled"))
	// ErrNoKey: the token cannot be shown again, because no key was
	// configured when it was made, or its key is no longer configured.
	ErrNoKey = error(coded.New("no_key", "roster: token not recoverable without its key"))
	// ErrInvalidOptions: New refuses the Options (a key of the wrong
	// size, a base URL that is not absolute https, a TTL beyond MaxTTL…),
	// or the Service was not built by New. It is
	// membership.ErrInvalidOptions.
	ErrInvalidOptions = membership.ErrInvalidOptions
)

// Errors shared with the membership package: the same values, so either
// name works with errors.Is.
var (
	ErrNotFound          = membership.ErrNotFound
	ErrConflict          = membership.ErrConflict
	ErrForbidden         = membership.ErrForbidden
	ErrInvalidRole       = membership.ErrInvalidRole
	ErrInvalidInput      = membership.ErrInvalidInput
	ErrSeatLimit         = membership.ErrSeatLimit
	ErrWorkspaceRequired = membership.ErrWorkspaceRequired
	ErrGuestsNotAllowed  = membership.ErrGuestsNotAllowed
)
