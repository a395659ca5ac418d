package membership

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"

	"github.com/google/uuid"
)

// Extension is the machinery a package that extends a Service shares with
// it: the invite and apikey packages build on it, and so may a host's own
// package with mutations of its own. A mutation through it locks the
// organization, loads the actor, checks authority (see Op), writes its
// audit event and host event in the same transaction, and audits a refusal
// once. Hosts that only use Roster never need it: the Service's methods
// are the whole of their API.
type Extension struct {
	s        *Service
	refusals []error
	after    func(ctx context.Context)
}

// ExtensionOptions configure an Extension.
type ExtensionOptions struct {
	// Refusals are the extending package's own refusals: a mutation that
	// fails with an error wrapping one of them is audited as denied, as
	// one failing with ErrForbidden, ErrLastOwner or ErrSeatLimit always
	// is. Errors that are not refusals (invalid input, conflicts, store
	// failures) are never audited.
	Refusals []error
	// AfterCommit, if set, runs after each mutation of the Extension
	// commits, unless it ran inside a transaction of the caller's (whose
	// commit is still to come): the invite package sends the mail it
	// queued this way.
	AfterCommit func(ctx context.Context)
}

// Extend returns the Extension of s for a package that extends it. A nil
// s gives an Extension whose mutations fail with ErrInvalidOptions.
func Extend(s *Service, opts ExtensionOptions) *Extension {
	return &Extension{s: s, refusals: slices.Clone(opts.Refusals), after: opts.AfterCommit}
}

// Mutate runs fn as one mutation of org by actor: in a transaction, after
// locking the organization and loading the actor's membership. If fn
// returns nil, the transaction commits, outbox messages are delivered
// (unless Options.DeferDelivery) and AfterCommit runs; otherwise it rolls
// back and, when the error is a refusal (see ExtensionOptions.Refusals), a
// denied audit event for action is written in a transaction of its own,
// naming the target fn gave to Op.Target. The error returned is prefixed
// with action.
func (x *Extension) Mutate(ctx context.Context, actor string, org uuid.UUID, action string, fn func(ctx context.Context, op *Op) error) error {
	return x.service().mutate(ctx, x, actor, org, action, fn)
}

// RecordDenied writes the audit event of a refused attempt made outside a
// mutation (a request throttled before it starts, an expired key
// presented), in a transaction of its own; Mutate records its own
// refusals. It is best effort: a failure is logged, not returned, since
// the caller already has the more useful error. What a refusal writes is
// bounded: nothing for an actor ID no member could have (see
// MaxUserIDLen) or an unknown organization, the target cut to
// MaxAuditTargetLen bytes, and the reason the code of cause (see CodeOf),
// never its message.
func (x *Extension) RecordDenied(ctx context.Context, actor string, org uuid.UUID, action, target string, cause error) {
	x.service().recordDenied(ctx, actor, org, action, target, cause)
}

// MayInvite returns nil when m may invite people into org: an active
// member holding the invite permission by role or grant, or a co-worker
// when the organization lets members invite; ErrForbidden otherwise.
// Guests never invite. Service.CanInvite asks the same question of the
// stored state.
func (x *Extension) MayInvite(org Organization, m Member) error {
	s := x.service()
	if err := s.ready(context.Background()); err != nil {
		return err
	}
	return s.mayInvite(org, m)
}

// Store returns the Service's store, nil for an Extension of no Service.
func (x *Extension) Store() Store {
	if s := x.service(); s != nil {
		return s.st
	}
	return nil
}

// Logger returns the Service's logger; for an Extension of no Service, one
// that discards.
func (x *Extension) Logger() *slog.Logger {
	if s := x.service(); s != nil && s.log != nil {
		return s.log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// service is the extended Service, nil for a nil Extension.
func (x *Extension) service() *Service {
	if x == nil {
		return nil
	}
	return x.s
}

// refused reports whether err is a refusal to audit: one of every
// mutation's (see denied) or one of x's own.
func (x *Extension) refused(err error) bool {
	if denied(err) {
		return true
	}
	if x == nil {
		return false
	}
	return slices.ContainsFunc(x.refusals, func(r error) bool { return errors.Is(err, r) })
}

// committed runs x's AfterCommit, unless the mutation ran inside a
// transaction of the caller's.
func (x *Extension) committed(ctx context.Context) {
	if x == nil || x.after == nil || x.s.st.InTransaction(ctx) {
		return
	}
	x.after(ctx)
}
