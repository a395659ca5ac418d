package membership

import "errors"

// Stable codes of the errors a host may show, one per sentinel error of
// Roster's packages. A host maps an error to its code with CodeOf, and a
// code to an HTTP status with HTTPStatus; the audit trail records a
// refused attempt's code as its Reason. Codes never change meaning.
const (
	CodeNotFound          = "not_found"          // ErrNotFound
	CodeConflict          = "conflict"           // ErrConflict
	CodeInvalidCursor     = "invalid_cursor"     // storage.ErrInvalidCursor
	CodeForbidden         = "forbidden"          // ErrForbidden
	CodeInvalidRole       = "invalid_role"       // ErrInvalidRole
	CodeInvalidInput      = "invalid_input"      // ErrInvalidInput
	CodeInvalidEmail      = "invalid_email"      // ErrInvalidEmail (and invite.BatchError)
	CodeLastOwner         = "last_owner"         // ErrLastOwner
	CodeSeatLimit         = "seat_limit"         // ErrSeatLimit (*SeatLimitError has the numbers)
	CodeWorkspaceRequired = "workspace_required" // ErrWorkspaceRequired
	CodeGuestsNotAllowed  = "guests_not_allowed" // ErrGuestsNotAllowed
	CodeInvalidOptions    = "invalid_options"    // ErrInvalidOptions
	// The invite package's errors.
	CodeEmptyBatch       = "empty_batch"        // invite.ErrEmptyBatch
	CodeBatchTooLarge    = "batch_too_large"    // invite.ErrBatchTooLarge
	CodeInvalidToken     = "invalid_token"      // invite.ErrInvalidToken
	CodeExpired          = "expired"            // invite.ErrExpired
	CodeRevoked          = "revoked"            // invite.ErrRevoked
	CodeAlreadyUsed      = "already_used"       // invite.ErrAlreadyUsed
	CodeRejected         = "rejected"           // invite.ErrRejected
	CodeUsedUp           = "used_up"            // invite.ErrUsedUp
	CodeEmailMismatch    = "email_mismatch"     // invite.ErrEmailMismatch
	CodeEmailNotVerified = "email_not_verified" // invite.ErrEmailNotVerified
	CodeDomainNotAllowed = "domain_not_allowed" // invite.ErrDomainNotAllowed
	CodeRateLimited      = "rate_limited"       // invite.ErrRateLimited
	CodeLinksDisabled    = "links_disabled"     // invite.ErrLinksDisabled
	CodeNoKey            = "no_key"             // invite.ErrNoKey
	// The apikey package's errors.
	CodeInvalidAPIKey = "invalid_api_key" // apikey.ErrInvalidKey
	CodeAPIKeyRevoked = "api_key_revoked" // apikey.ErrRevoked
	CodeAPIKeyExpired = "api_key_expired" // apikey.ErrExpired
	CodeAPIKeyScope   = "api_key_scope"   // apikey.ErrOutOfScope
	// CodeInternal is the code of every other error: a store failure, a
	// cancelled context.
	CodeInternal = "internal"
)

// CodeOf returns the stable code of err: that of the most specific Roster
// sentinel it wraps (ErrInvalidEmail before ErrInvalidInput), or
// CodeInternal when it wraps none. CodeOf(nil) is "".
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	var c interface{ Code() string }
	if errors.As(err, &c) {
		return c.Code()
	}
	return CodeInternal
}

// HTTPStatus returns the HTTP status that answers an error of code: 400
// for input, 401 for an API key that authenticates nobody, 403 for
// authority and policy, 404 for what is not there (an
// unknown token included), 409 for conflicts with the present state, 410
// for invitations and links that are no longer usable, 422 for batches and
// assignments a request cannot make, 429 for quotas, and 500 otherwise
// (numbers, so that this package does not import net/http).
func HTTPStatus(code string) int {
	switch code {
	case CodeInvalidInput, CodeInvalidEmail, CodeInvalidCursor, CodeInvalidRole:
		return 400
	case CodeInvalidAPIKey, CodeAPIKeyRevoked, CodeAPIKeyExpired:
		return 401
	case CodeForbidden, CodeAPIKeyScope, CodeEmailMismatch, CodeEmailNotVerified, CodeDomainNotAllowed, CodeLinksDisabled, CodeGuestsNotAllowed:
		return 403
	case CodeNotFound, CodeInvalidToken:
		return 404
	case CodeConflict, CodeLastOwner, CodeSeatLimit, CodeNoKey:
		return 409
	case CodeExpired, CodeRevoked, CodeAlreadyUsed, CodeRejected, CodeUsedUp:
		return 410
	case CodeEmptyBatch, CodeBatchTooLarge, CodeWorkspaceRequired:
		return 422
	case CodeRateLimited:
		return 429
	}
	return 500
}

// Code returns CodeSeatLimit.
func (e *SeatLimitError) Code() string { return CodeSeatLimit }
