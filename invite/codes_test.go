package invite_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// Every error a host may show has its own stable code and an HTTP status.
func TestEveryErrorHasAStableCodeAndStatus(t *testing.T) {
	for _, c := range []struct {
		err    error
		code   string
		status int
	}{
		{membership.ErrNotFound, "not_found", 404},
		{membership.ErrConflict, "conflict", 409},
		{storage.ErrInvalidCursor, "invalid_cursor", 400},
		{membership.ErrForbidden, "forbidden", 403},
		{membership.ErrInvalidRole, "invalid_role", 400},
		{membership.ErrInvalidInput, "invalid_input", 400},
		{membership.ErrInvalidEmail, "invalid_email", 400},
		{membership.ErrLastOwner, "last_owner", 409},
		{membership.ErrSeatLimit, "seat_limit", 409},
		{&membership.SeatLimitError{Members: 10, Limit: 10, Asked: 1}, "seat_limit", 409},
		{membership.ErrWorkspaceRequired, "workspace_required", 422},
		{membership.ErrGuestsNotAllowed, "guests_not_allowed", 403},
		{membership.ErrInvalidOptions, "invalid_options", 500},
		{invite.ErrEmptyBatch, "empty_batch", 422},
		{invite.ErrBatchTooLarge, "batch_too_large", 422},
		{invite.ErrInvalidToken, "invalid_token", 404},
		{invite.ErrExpired, "expired", 410},
		{invite.ErrRevoked, "revoked", 410},
		{invite.ErrAlreadyUsed, "already_used", 410},
		{invite.ErrRejected, "rejected", 410},
		{invite.ErrUsedUp, "used_up", 410},
		{invite.ErrEmailMismatch, "email_mismatch", 403},
		{invite.ErrEmailNotVerified, "email_not_verified", 403},
		{invite.ErrDomainNotAllowed, "domain_not_allowed", 403},
		{invite.ErrRateLimited, "rate_limited", 429},
		{invite.ErrLinksDisabled, "links_disabled", 403},
		{invite.ErrNoKey, "no_key", 409},
		{errors.New("disk full"), "internal", 500},
	} {
		wrapped := fmt.Errorf("member.added: %w", c.err)
		if got := membership.CodeOf(wrapped); got != c.code {
			t.Errorf("CodeOf(%v) = %q, want %q", c.err, got, c.code)
		}
		if got := membership.HTTPStatus(c.code); got != c.status {
			t.Errorf("HTTPStatus(%q) = %d, want %d", c.code, got, c.status)
		}
	}
	if membership.CodeOf(nil) != "" {
		t.Error("CodeOf(nil) is not empty")
	}
	if !errors.Is(membership.ErrInvalidEmail, membership.ErrInvalidInput) {
		t.Error("ErrInvalidEmail no longer matches ErrInvalidInput")
	}
	_, err := invite.ParseBatch("ok@example.com, not an address", nil, 10)
	if got := membership.CodeOf(err); got != "invalid_email" {
		t.Errorf("CodeOf(a BatchError) = %q, want invalid_email", got)
	}
}
