package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// op is a membership.Op that remembers its target, so that a refusal the
// membership package does not audit can be audited here.
type op struct {
	*membership.Op
	target string
}

// Target names what the operation acts on.
func (o *op) Target(t string) {
	o.target = t
	o.Op.Target(t)
}

// mutate runs fn as one mutation of org (see membership.Service.Mutate),
// audits refusals specific to invitations, and delivers mail after commit.
func (s *Service) mutate(ctx context.Context, actor string, org uuid.UUID, action string, fn func(ctx context.Context, o *op) error) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	var target string
	err := s.m.Mutate(ctx, actor, org, action, func(ctx context.Context, mo *membership.Op) error {
		o := &op{Op: mo}
		err := fn(ctx, o)
		target = o.target
		return err
	})
	if err != nil {
		if deniedHere(err) {
			s.m.RecordDenied(ctx, actor, org, action, target, err)
		}
		return err
	}
	s.afterCommit(ctx)
	return nil
}

// deniedHere reports refusals that membership.Service.Mutate does not
// audit itself (it audits ErrForbidden, ErrLastOwner and ErrSeatLimit).
func deniedHere(err error) bool {
	if errors.Is(err, ErrForbidden) || errors.Is(err, ErrSeatLimit) || errors.Is(err, membership.ErrLastOwner) {
		return false
	}
	for _, e := range []error{ErrRateLimited, ErrLinksDisabled, ErrEmailMismatch, ErrEmailNotVerified,
		ErrDomainNotAllowed, ErrExpired, ErrRevoked, ErrAlreadyUsed, ErrRejected, ErrUsedUp, ErrGuestsNotAllowed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// afterCommit sends queued mail unless the host delivers it itself, or
// the change ran inside a transaction of the caller's that has not
// committed yet (the caller then delivers after its commit).
func (s *Service) afterCommit(ctx context.Context) {
	if s.opts.Mailer == nil || s.opts.DeferDelivery || s.st.InTransaction(ctx) {
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
