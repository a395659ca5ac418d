package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/ident"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Invitee is the signed-in user accepting an invitation or joining with a
// link, as the host's identity provider knows them.
type Invitee struct {
	UserID string
	Email  string
	// EmailVerified must be true (unless Options.AllowUnverifiedEmail):
	// the host has proven that the user owns Email.
	EmailVerified bool
	Name          string
	// Org, when set, is the organization the accept page is for (a route
	// like /orgs/acme/join/{token}): a token of another organization is
	// then refused with ErrInvalidToken.
	Org uuid.UUID
}

// Acceptance is what Redeem did: the membership, what admitted it, and the
// host data that came with it.
type Acceptance struct {
	// Member is the membership, new or (AlreadyMember) as it was.
	Member membership.Member
	// AlreadyMember is true when the user was a member before and kept
	// their membership unchanged.
	AlreadyMember bool
	// Kind says whether an invitation (InvitationID) or a link (LinkID)
	// admitted the user.
	Kind         TokenKind
	InvitationID uuid.UUID
	LinkID       uuid.UUID
	// Data is the host data of the invitation or link (Request.Data,
	// NewLink.Data); nil when it carried none.
	Data map[string]string
}

// Redeem is Accept, returning with the membership what admitted it and
// the host data the invitation or link carried, so that the host can act
// on it (share a folder, redirect) right away. It takes both token kinds
// and returns the errors of Accept and Join.
func (s *Service) Redeem(ctx context.Context, token string, in Invitee) (Acceptance, error) {
	if err := s.ready(ctx); err != nil {
		return Acceptance{}, err
	}
	t, err := ParseToken(token)
	if err != nil {
		return Acceptance{}, fmt.Errorf("%s: %w", EventInvitationAccepted, err)
	}
	if err := checkUserID(in.UserID); err != nil {
		return Acceptance{}, fmt.Errorf("%s: %w", EventInvitationAccepted, err)
	}
	if t.Kind == KindLink {
		return s.join(ctx, t, in)
	}
	return s.accept(ctx, t, in)
}

// Accept accepts the invitation token opens on behalf of in (a link token
// is passed to Join). In one transaction, it marks the invitation accepted,
// adds the member with the invitation's role, workspace roles and grants,
// and writes the audit events. The inviter's authority is checked again as
// it stands now: an inviter who has since lost it no longer grants it
// (ErrForbidden). A user who is already a member keeps their membership and
// the invitation is marked accepted.
//
// Errors: ErrInvalidToken, ErrExpired, ErrRevoked, ErrAlreadyUsed,
// ErrRejected, ErrEmailNotVerified, ErrEmailMismatch (in's email does not
// have the invitation's canonical key), ErrForbidden, ErrSeatLimit,
// ErrGuestsNotAllowed, ErrWorkspaceRequired.
//
// Redeem does the same and also returns the host data the invitation
// carried.
func (s *Service) Accept(ctx context.Context, token string, in Invitee) (membership.Member, error) {
	a, err := s.Redeem(ctx, token, in)
	return a.Member, err
}

func (s *Service) accept(ctx context.Context, t Token, in Invitee) (Acceptance, error) {
	inv, err := s.invitationByToken(ctx, t)
	if err == nil && in.Org != uuid.Nil && inv.OrgID != in.Org {
		err = fmt.Errorf("%w: the token is for another organization", ErrInvalidToken)
	}
	if err != nil {
		return Acceptance{}, fmt.Errorf("%s: %w", EventInvitationAccepted, err)
	}
	return s.acceptInvitation(ctx, inv, &t, in)
}

// acceptInvitation accepts inv for in; t, when not nil, must still open
// it (a token's accept), otherwise in's verified email alone entitles in
// (AcceptByID).
func (s *Service) acceptInvitation(ctx context.Context, inv Invitation, t *Token, in Invitee) (Acceptance, error) {
	var out Acceptance
	err := s.x.Mutate(ctx, in.UserID, inv.OrgID, EventInvitationAccepted, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.usableInvitation(ctx, o, t, inv)
		if err != nil {
			return err
		}
		addr, err := s.checkInvitee(in)
		if err != nil {
			return err
		}
		if addr.Key != inv.EmailKey {
			return fmt.Errorf("%w: the invitation is for another address", ErrEmailMismatch)
		}
		// Answered first: the seat it held is then free for its invitee.
		inv.Status, inv.AcceptedBy, inv.DecidedAt, inv.UpdatedAt = StatusAccepted, in.UserID, o.Now, o.Now
		inv.SealedToken, inv.KeyID = nil, ""
		if err := s.st.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		// The acceptor is the operation's actor: its membership was read
		// under the organization's lock.
		m, existing := o.Actor, o.ActorFound
		if !existing {
			ws, err := s.liveWorkspaces(ctx, o.Org.ID, inv.Workspaces)
			if err != nil {
				return err
			}
			m, err = o.Admit(ctx, inv.InvitedBy, membership.NewMember{UserID: in.UserID,
				Email: addr.ASCII, Name: in.Name, Role: inv.Role, Grants: inv.Grants, Workspaces: ws, Data: inv.Data})
			if err != nil {
				return err
			}
		}
		r := invitationRecord(EventInvitationAccepted, inv, nil)
		r.UserID, r.Data = in.UserID, inv.Data
		r.After["user"] = in.UserID
		if existing {
			r.After["already_member"] = "true"
		}
		out = Acceptance{Member: m, AlreadyMember: existing, Kind: KindInvitation, InvitationID: inv.ID, Data: inv.Data}
		return o.RecordAs(ctx, in.UserID, r)
	})
	if err != nil {
		return Acceptance{}, err
	}
	return out, nil
}

// checkUserID refuses a user ID no membership could have, before anything
// is looked up or audited (ErrInvalidInput).
func checkUserID(id string) error { return ident.CheckUserID("the user ID", id) }

// checkInvitee checks that in may accept anything at all and returns its
// parsed address.
func (s *Service) checkInvitee(in Invitee) (Address, error) {
	if err := checkUserID(in.UserID); err != nil {
		return Address{}, err
	}
	if !in.EmailVerified && !s.opts.AllowUnverifiedEmail {
		return Address{}, fmt.Errorf("%w: verify your email address first", ErrEmailNotVerified)
	}
	a, err := ParseEmail(in.Email)
	if err != nil || a.Name != "" {
		return Address{}, fmt.Errorf("%w: the user's email is not a valid address", ErrEmailMismatch)
	}
	return a, nil
}

// liveWorkspaces drops from ws the workspaces deleted since the invitation.
func (s *Service) liveWorkspaces(ctx context.Context, org uuid.UUID, ws map[uuid.UUID]roles.Role) (map[uuid.UUID]roles.Role, error) {
	out := make(map[uuid.UUID]roles.Role, len(ws))
	for id, r := range ws {
		_, err := s.ms.Workspace(ctx, org, id)
		switch {
		case err == nil:
			out[id] = r
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	return out, nil
}

// Reject declines the invitation token opens on behalf of in, the
// signed-in invitee. As for Accept, in's email must be verified (unless
// Options.AllowUnverifiedEmail) and have the invited address's canonical
// key: a forwarded link does not let someone else decline. A refused
// decline changes nothing and is audited as denied.
//
// Errors: ErrInvalidToken, ErrInvalidInput (a malformed user ID),
// ErrExpired, ErrRevoked, ErrAlreadyUsed, ErrRejected, ErrEmailNotVerified,
// ErrEmailMismatch.
func (s *Service) Reject(ctx context.Context, token string, in Invitee) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	t, err := ParseToken(token)
	if err != nil {
		return fmt.Errorf("%s: %w", EventInvitationRejected, err)
	}
	if err := checkUserID(in.UserID); err != nil {
		return fmt.Errorf("%s: %w", EventInvitationRejected, err)
	}
	inv, err := s.invitationByToken(ctx, t)
	if err == nil && in.Org != uuid.Nil && inv.OrgID != in.Org {
		err = fmt.Errorf("%w: the token is for another organization", ErrInvalidToken)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", EventInvitationRejected, err)
	}
	return s.rejectInvitation(ctx, inv, &t, in)
}

// rejectInvitation declines inv for in; t as for acceptInvitation.
func (s *Service) rejectInvitation(ctx context.Context, inv Invitation, t *Token, in Invitee) error {
	return s.x.Mutate(ctx, in.UserID, inv.OrgID, EventInvitationRejected, func(ctx context.Context, o *membership.Op) error {
		inv, err := s.usableInvitation(ctx, o, t, inv)
		if err != nil {
			return err
		}
		addr, err := s.checkInvitee(in)
		if err != nil {
			return err
		}
		if addr.Key != inv.EmailKey {
			return fmt.Errorf("%w: the invitation is for another address", ErrEmailMismatch)
		}
		inv.Status, inv.DecidedAt, inv.UpdatedAt = StatusRejected, o.Now, o.Now
		inv.SealedToken, inv.KeyID = nil, ""
		if err := s.st.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		r := invitationRecord(EventInvitationRejected, inv, nil)
		r.After["user"] = in.UserID
		return o.RecordAs(ctx, in.UserID, r)
	})
}

// usableInvitation re-reads inv under its organization's lock and checks
// that token t (when not nil) still opens it and that it can still be
// decided: the read before the lock may be stale.
func (s *Service) usableInvitation(ctx context.Context, o *membership.Op, t *Token, inv Invitation) (Invitation, error) {
	o.Target(inv.EmailKey)
	cur, err := s.st.Invitation(ctx, o.Org.ID, inv.ID)
	if err != nil {
		return Invitation{}, tokenLookup(err)
	}
	if t != nil && !t.Matches(cur.TokenHash) {
		return Invitation{}, fmt.Errorf("%w: the token was replaced", ErrInvalidToken)
	}
	if err := invitationUsable(cur, o.Now); err != nil {
		return Invitation{}, err
	}
	return cur, nil
}
