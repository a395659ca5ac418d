package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// InvitationUpdate changes what a pending invitation gives; zero fields
// stay as they are.
type InvitationUpdate struct {
	// Role replaces the org role unless "".
	Role roles.Role
	// Grants replaces the grants unless nil.
	Grants *roles.PermSet
	// Workspaces replaces the workspace roles unless nil; an empty map
	// removes them all.
	Workspaces map[uuid.UUID]roles.Role
}

// Resend sends a pending (or expired) invitation again with a new token
// (the old one stops working) and a new expiry; it counts against the
// invite quotas like a new invitation, and the invitation now carries
// actor's authority. actor must be allowed to invite and either have sent
// the invitation or manage members with at least its rank, and must be
// able to give what it gives. It returns the invitation and its new token
// (a secret for the actor: never log it). Errors: ErrNotFound, ErrRevoked,
// ErrAlreadyUsed, ErrRejected, ErrForbidden, ErrSeatLimit, ErrRateLimited.
func (s *Service) Resend(ctx context.Context, actor string, org, id uuid.UUID) (Invitation, string, error) {
	if err := s.ready(ctx); err != nil {
		return Invitation{}, "", fmt.Errorf("%s: %w", EventInvitationResent, err)
	}
	var (
		out Invitation
		tok string
	)
	err := s.x.Mutate(ctx, actor, org, EventInvitationResent, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.managed(ctx, o, id)
		if err != nil {
			return err
		}
		expired := inv.StatusAt(o.Now) == StatusExpired
		live, err := s.liveWorkspaces(ctx, o.Org.ID, inv.Workspaces)
		if err != nil {
			return err
		}
		if err := s.reassign(ctx, o, &inv, inv.Role, inv.Grants, live); err != nil {
			return err
		}
		if expired {
			if err := s.checkSeats(ctx, o, 1); err != nil {
				return err
			}
		}
		if err := s.spend(ctx, o, 1); err != nil {
			return err
		}
		if tok, err = s.issue(o, &inv); err != nil {
			return err
		}
		inv.Sends++
		inv.SentAt, inv.InvitedBy = o.Now, o.Actor.UserID
		if err := s.st.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		if err := o.Record(ctx, invitationRecord(EventInvitationResent, inv, nil)); err != nil {
			return err
		}
		out = inv
		return s.queueMail(ctx, o, inv, tok, true)
	})
	if err != nil {
		return Invitation{}, "", err
	}
	return out, tok, nil
}

// Revoke withdraws a pending invitation: its token stops working. Who may:
// as for Resend. Revoking a revoked invitation does nothing, as for
// RevokeLink. Errors: ErrNotFound, ErrAlreadyUsed, ErrRejected,
// ErrExpired, ErrForbidden.
func (s *Service) Revoke(ctx context.Context, actor string, org, id uuid.UUID) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("%s: %w", EventInvitationRevoked, err)
	}
	return s.x.Mutate(ctx, actor, org, EventInvitationRevoked, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.managed(ctx, o, id)
		if errors.Is(err, ErrRevoked) {
			// Already revoked: nothing to do, for someone who could have.
			return s.mayManage(o, inv.InvitedBy, inv.Role, inv.Grants)
		}
		if err != nil {
			return err
		}
		inv.Status, inv.DecidedAt, inv.UpdatedAt = StatusRevoked, o.Now, o.Now
		inv.SealedToken, inv.KeyID = nil, ""
		if err := s.st.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		return o.Record(ctx, invitationRecord(EventInvitationRevoked, inv, nil))
	})
}

// UpdateInvitation changes the role, grants or workspaces of a pending
// invitation without sending it again. Who may: as for Resend, and actor
// must be able to give the new assignment. Errors: those of Resend and of
// Invite's assignment checks (ErrInvalidRole, ErrNotFound,
// ErrWorkspaceRequired, ErrGuestsNotAllowed).
func (s *Service) UpdateInvitation(ctx context.Context, actor string, org, id uuid.UUID, u InvitationUpdate) (Invitation, error) {
	if err := s.ready(ctx); err != nil {
		return Invitation{}, fmt.Errorf("%s: %w", EventInvitationUpdated, err)
	}
	var out Invitation
	err := s.x.Mutate(ctx, actor, org, EventInvitationUpdated, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.managed(ctx, o, id)
		if err != nil {
			return err
		}
		before := invitationFields(inv)
		role, grants, ws := inv.Role, inv.Grants, inv.Workspaces
		if u.Role != "" {
			role = u.Role
		}
		if u.Grants != nil {
			grants = *u.Grants
		}
		if u.Workspaces != nil {
			ws = u.Workspaces
		} else if ws, err = s.liveWorkspaces(ctx, o.Org.ID, ws); err != nil {
			return err
		}
		if err := s.reassign(ctx, o, &inv, role, grants, ws); err != nil {
			return err
		}
		if err := s.st.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		out = inv
		return o.Record(ctx, invitationRecord(EventInvitationUpdated, inv, before))
	})
	return out, err
}

// InvitationURL returns the accept URL of a pending invitation again (the
// token alone when the Service has no BaseURL), for an admin's "copy
// invitation URL". It needs the key that sealed the token (ErrNoKey) and
// is audited. Who may: as for Resend. Errors: ErrNotFound, ErrExpired,
// ErrRevoked, ErrAlreadyUsed, ErrRejected, ErrForbidden, ErrNoKey.
func (s *Service) InvitationURL(ctx context.Context, actor string, org, id uuid.UUID) (string, error) {
	if err := s.ready(ctx); err != nil {
		return "", fmt.Errorf("%s: %w", EventInvitationURLShown, err)
	}
	var out string
	err := s.x.Mutate(ctx, actor, org, EventInvitationURLShown, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.managed(ctx, o, id)
		if err != nil {
			return err
		}
		if err := invitationUsable(inv, o.Now); err != nil {
			return err
		}
		tok, err := s.keys.open(KindInvitation, inv.ID, inv.KeyID, inv.SealedToken)
		if err != nil {
			return err
		}
		if t, err := ParseToken(tok); err != nil || !t.Matches(inv.TokenHash) {
			return fmt.Errorf("%w: the sealed token is stale", ErrNoKey)
		}
		out = s.URL(tok)
		return o.Record(ctx, invitationRecord(EventInvitationURLShown, inv, nil))
	})
	return out, err
}

// URL returns the accept URL of a token: Options.BaseURL with the token,
// or the token alone without a BaseURL.
func (s *Service) URL(token string) string {
	if s == nil {
		return token
	}
	if u := s.url(token); u != "" {
		return u
	}
	return token
}

// managed loads invitation id under o's lock for a change by o's actor:
// it must be stored pending, and the actor must be allowed to invite and
// have sent it, or manage members with at least its rank.
func (s *Service) managed(ctx context.Context, o *membership.Op, id uuid.UUID) (Invitation, error) {
	o.Target(id.String())
	if err := s.x.MayInvite(o.Org, o.Actor); err != nil {
		return Invitation{}, err
	}
	inv, err := s.st.Invitation(ctx, o.Org.ID, id)
	if err != nil {
		return Invitation{}, fmt.Errorf("invitation %s: %w", id, err)
	}
	o.Target(inv.EmailKey)
	if inv.Status != StatusPending {
		return inv, invitationUsable(inv, o.Now)
	}
	if err := s.mayManage(o, inv.InvitedBy, inv.Role, inv.Grants); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// mayManage allows the one who sent an invitation (or made a link), or a
// manager of members who outranks what it gives.
func (s *Service) mayManage(o *membership.Op, by string, role roles.Role, grants roles.PermSet) error {
	if by == o.Actor.UserID {
		return nil
	}
	if err := o.Require(roles.PermManageMembers); err != nil {
		return err
	}
	return s.mayChange(o, role, grants)
}

// reassign checks that o's actor may give role, grants and ws to inv's
// address and sets them (with the kind they make) on inv.
func (s *Service) reassign(ctx context.Context, o *membership.Op, inv *Invitation, role roles.Role, grants roles.PermSet, ws map[uuid.UUID]roles.Role) error {
	as, kind, err := o.Resolve(ctx, o.Actor, membership.Assignment{
		Email: inv.EmailKey, Role: role, Grants: grants, Workspaces: ws})
	if err != nil {
		return err
	}
	inv.Role, inv.Kind, inv.Grants, inv.Workspaces = as.Role, kind, as.Grants, as.Workspaces
	inv.UpdatedAt = o.Now
	return nil
}
