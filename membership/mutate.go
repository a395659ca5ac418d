package membership

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Op is one mutation of one organization in progress: it runs inside a
// transaction that holds the organization's lock. Extension.Mutate gives
// one to the function it runs; an Op made any other way does nothing.
type Op struct {
	// Org is the organization, read under its lock.
	Org Organization
	// Actor is the acting user's membership; ActorFound is false when the
	// actor is not a member.
	Actor      Member
	ActorFound bool
	// Now is the time of the operation, from the Service's clock.
	Now time.Time

	s      *Service
	actor  string // the acting user's ID, member or not
	target string
}

// Record is what one mutation writes: an audit event and the host event of
// the same type, both in the operation's transaction.
type Record struct {
	Action      string
	Target      string    // user ID, workspace ID, email… (never a secret)
	UserID      string    // the member concerned, if any
	WorkspaceID uuid.UUID // the workspace concerned, if any
	Before      map[string]string
	After       map[string]string
	// Data is host data for the host event only, carried as
	// "data.<key>"; the audit event does not keep it.
	Data map[string]string
}

// mutate runs fn as one mutation of org by actor: in a transaction, after
// locking the organization and loading the actor's membership. If fn
// returns nil, the transaction commits and outbox messages are delivered
// (unless Options.DeferDelivery), then x's AfterCommit runs; otherwise the
// transaction rolls back and, when the error is a refusal (see
// refused), a denied audit event for action is written in a transaction of
// its own. x is nil for the Service's own mutations.
func (s *Service) mutate(ctx context.Context, x *Extension, actor string, org uuid.UUID, action string, fn func(ctx context.Context, op *Op) error) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := checkUserID("actor", actor); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if org == uuid.Nil {
		return fmt.Errorf("%s: %w: zero organization ID", action, ErrInvalidInput)
	}
	var target string
	err := s.traced(ctx, MutationStart{Action: action, OrgID: org, Actor: actor}, func(ctx context.Context) error {
		return s.st.Transact(ctx, func(ctx context.Context) error {
			o, err := s.st.LockOrganization(ctx, org)
			if err != nil {
				return err
			}
			op := &Op{Org: o, Now: s.clock.Now().UTC(), s: s, actor: actor}
			m, err := s.st.Member(ctx, org, actor)
			switch {
			case err == nil:
				op.Actor, op.ActorFound = m, true
			case !errors.Is(err, ErrNotFound):
				return err
			}
			err = fn(ctx, op)
			target = op.target
			return err
		})
	})
	if err != nil {
		if x.refused(err) {
			s.recordDenied(ctx, actor, org, action, target, err)
		}
		return fmt.Errorf("%s: %w", action, err)
	}
	s.afterCommit(ctx)
	x.committed(ctx)
	return nil
}

// mutateMembers is mutate for an operation on the members userIDs, which
// are checked first: a user ID no member could have is ErrInvalidInput
// before anything is read or recorded, so the audit event of a refused
// attempt never carries one. The operation's target is the member when
// there is one.
func (s *Service) mutateMembers(ctx context.Context, actor string, org uuid.UUID, userIDs []string, action string, fn func(ctx context.Context, op *Op) error) error {
	err := s.ready(ctx)
	for _, id := range userIDs {
		if err != nil {
			break
		}
		err = checkUserID("user ID", id)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return s.mutate(ctx, nil, actor, org, action, func(ctx context.Context, op *Op) error {
		if len(userIDs) == 1 {
			op.Target(userIDs[0])
		}
		return fn(ctx, op)
	})
}

// denied reports the refusals of the Service's own mutations, which
// every mutation audits.
func denied(err error) bool {
	return errors.Is(err, ErrForbidden) || errors.Is(err, ErrLastOwner) || errors.Is(err, ErrSeatLimit)
}

// recordDenied writes the audit event of a refused attempt, in a
// transaction of its own (the attempt's was rolled back); see
// Extension.RecordDenied.
func (s *Service) recordDenied(ctx context.Context, actor string, org uuid.UUID, action, target string, cause error) {
	if s.ready(ctx) != nil || org == uuid.Nil || cause == nil || checkUserID("actor", actor) != nil {
		return
	}
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	err := s.st.Transact(ctx, func(ctx context.Context) error {
		if _, err := s.st.Organization(ctx, org); err != nil {
			return err
		}
		return s.st.AppendAudit(ctx, AuditEvent{
			ID: newID(), OrgID: org, Actor: actor, Action: action,
			Target: clipTo(target, MaxAuditTargetLen), Denied: true,
			Reason: CodeOf(cause), At: s.clock.Now().UTC(),
		})
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		s.log.WarnContext(ctx, "roster: recording a denied attempt failed", "action", action, "err", err)
	}
}

// Target names what the operation acts on, for the denied audit event
// should it fail.
func (op *Op) Target(t string) { op.target = t }

// Require returns nil when the actor is an active member holding perm at
// organization scope, an error wrapping ErrInvalidRole when perm is not an
// organization permission of the catalog, and one wrapping ErrForbidden
// otherwise.
func (op *Op) Require(perm roles.Permission) error {
	if scope, err := op.s.cat.PermissionScope(perm); err != nil {
		return err
	} else if scope != roles.ScopeOrg {
		return fmt.Errorf("%w: %s is a workspace permission", ErrInvalidRole, op.s.cat.PermissionName(perm))
	}
	if !op.ActorFound || op.Actor.Deactivated {
		return fmt.Errorf("%w: %q is not an active member", ErrForbidden, op.Actor.UserID)
	}
	if !op.s.cat.OrgPerms(op.Actor.Role, op.Actor.Grants).Has(perm) {
		return fmt.Errorf("%w: %q lacks %s", ErrForbidden, op.Actor.UserID, op.s.cat.PermissionName(perm))
	}
	return nil
}

// Record writes r's audit event and host event.
func (op *Op) Record(ctx context.Context, r Record) error {
	actor := op.Actor.UserID
	if !op.ActorFound {
		actor = ""
	}
	return op.RecordAs(ctx, actor, r)
}

// RecordAs is Record with an explicit actor, for operations whose actor is
// not (yet) a member, such as accepting an invitation.
func (op *Op) RecordAs(ctx context.Context, actor string, r Record) error {
	if err := op.s.st.AppendAudit(ctx, AuditEvent{
		ID: newID(), OrgID: op.Org.ID, Actor: actor, Action: r.Action, Target: r.Target,
		Before: r.Before, After: r.After, At: op.Now,
	}); err != nil {
		return err
	}
	return op.emit(ctx, actor, r)
}

// emit writes r's host event to the outbox. Before values are carried as
// "before.<key>", host data as "data.<key>".
func (op *Op) emit(ctx context.Context, actor string, r Record) error {
	data := r.After
	if len(r.Before) > 0 || len(r.Data) > 0 {
		data = make(map[string]string, len(r.Before)+len(r.After)+len(r.Data))
		for k, v := range r.Before {
			data["before."+k] = v
		}
		for k, v := range r.After {
			data[k] = v
		}
		for k, v := range r.Data {
			data["data."+k] = v
		}
	}
	e := Event{ID: newID(), Type: r.Action, OrgID: op.Org.ID, Actor: actor,
		UserID: r.UserID, WorkspaceID: r.WorkspaceID, Data: data, At: op.Now}
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return op.Enqueue(ctx, Message{ID: e.ID, Channel: ChannelEvents, Topic: e.Type, Payload: payload})
}

// Enqueue adds a message to the outbox in the operation's transaction, e.g.
// an invitation email on ChannelMail. ID, OrgID, CreatedAt and NextAttempt
// are filled in when zero.
func (op *Op) Enqueue(ctx context.Context, m Message) error {
	if m.ID == uuid.Nil {
		m.ID = newID()
	}
	m.OrgID = op.Org.ID
	if m.CreatedAt.IsZero() {
		m.CreatedAt = op.Now
	}
	if m.NextAttempt.IsZero() {
		m.NextAttempt = op.Now
	}
	return op.s.st.Enqueue(ctx, m)
}

// newID returns a UUIDv7. uuid.NewV7 fails only when the system's random
// source does; then a v4 (which panics on the same failure) is no worse.
func newID() uuid.UUID {
	if id, err := uuid.NewV7(); err == nil {
		return id
	}
	return uuid.New()
}
