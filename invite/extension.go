package invite

import (
	"context"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// extension returns the membership machinery the Service's changes run
// on: a refusal of an invitation (an expired one, a mismatched email…) is
// audited as denied beside membership's own, and mail is sent after each
// commit unless the host delivers it itself.
func (s *Service) extension(m *membership.Service) *membership.Extension {
	opts := membership.ExtensionOptions{Refusals: []error{
		ErrRateLimited, ErrLinksDisabled, ErrEmailMismatch, ErrEmailNotVerified, ErrDomainNotAllowed,
		ErrExpired, ErrRevoked, ErrAlreadyUsed, ErrRejected, ErrUsedUp, ErrGuestsNotAllowed,
	}}
	if s.opts.Mailer != nil && !s.opts.DeferDelivery {
		opts.AfterCommit = s.afterCommit
	}
	return membership.Extend(m, opts)
}

// inDelivery marks the context of a change made while delivering mail,
// whose commit sends no mail: the delivery under way sends it.
type inDelivery struct{}

// afterCommit sends queued mail after a change commits, unless the change
// was made while delivering mail.
func (s *Service) afterCommit(ctx context.Context) {
	if ctx.Value(inDelivery{}) != nil {
		return
	}
	if _, err := s.DeliverMail(ctx); err != nil {
		s.log.WarnContext(ctx, "roster: delivering invitation mail", "err", err)
	}
}

// newID returns a UUIDv7 (time-ordered), or a v4 if the clock sequence
// fails.
func newID() uuid.UUID {
	if id, err := uuid.NewV7(); err == nil {
		return id
	}
	return uuid.New()
}
