package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/membership"
)

// Join adds in to the organization of the link token opens, with the
// link's role and workspaces, on the authority of the link's creator as it
// stands now. The user's email must be verified (unless
// Options.AllowUnverifiedEmail) and its domain allowed by the link. Joins
// are counted exactly, also when many users race for the last use. A user
// who is already a member keeps their membership and uses nothing, also
// when the link is used up (a revoked or expired link admits nobody).
//
// Errors: ErrInvalidToken, ErrLinksDisabled, ErrRevoked, ErrExpired,
// ErrUsedUp, ErrEmailNotVerified, ErrDomainNotAllowed, ErrForbidden,
// ErrSeatLimit (members plus pending invitations fill the seats),
// ErrGuestsNotAllowed, ErrWorkspaceRequired. Redeem does the same and also
// returns the host data the link carried.
func (s *Service) Join(ctx context.Context, token string, in Invitee) (membership.Member, error) {
	if err := s.ready(ctx); err != nil {
		return membership.Member{}, err
	}
	t, err := ParseToken(token)
	if err != nil {
		return membership.Member{}, fmt.Errorf("%s: %w", EventLinkJoined, err)
	}
	if err := checkUserID(in.UserID); err != nil {
		return membership.Member{}, fmt.Errorf("%s: %w", EventLinkJoined, err)
	}
	a, err := s.join(ctx, t, in)
	return a.Member, err
}

func (s *Service) join(ctx context.Context, t Token, in Invitee) (Acceptance, error) {
	l, err := s.linkByToken(ctx, t)
	if err == nil && in.Org != uuid.Nil && l.OrgID != in.Org {
		err = fmt.Errorf("%w: the token is for another organization", ErrInvalidToken)
	}
	if err != nil {
		return Acceptance{}, fmt.Errorf("%s: %w", EventLinkJoined, err)
	}
	var out Acceptance
	err = s.x.Mutate(ctx, in.UserID, l.OrgID, EventLinkJoined, func(ctx context.Context, o *membership.Op) error {
		o.Target(l.ID.String())
		l, err := s.st.Link(ctx, o.Org.ID, l.ID)
		if err != nil {
			return tokenLookup(err)
		}
		if !t.Matches(l.TokenHash) {
			return fmt.Errorf("%w: the token was replaced", ErrInvalidToken)
		}
		// A used-up link still lets a member in: it keeps its membership.
		usedUp := linkUsable(l, o.Org.Settings.LinksDisabled, o.Now)
		if usedUp != nil && !errors.Is(usedUp, ErrUsedUp) {
			return usedUp
		}
		addr, err := s.checkInvitee(in)
		if err != nil {
			return err
		}
		if !domainAllowed(addr.Domain, l.AllowedDomains) {
			return fmt.Errorf("%w: %s", ErrDomainNotAllowed, addr.Domain)
		}
		if o.ActorFound { // the joiner is the operation's actor
			out = Acceptance{Member: o.Actor, AlreadyMember: true, Kind: KindLink, LinkID: l.ID, Data: l.Data}
			return nil
		}
		if usedUp != nil {
			return usedUp
		}
		// A pending invitation of the same address already holds a seat;
		// joining answers it, first, so that the seat is free for its
		// invitee when Admit counts the seats.
		inv, err := s.st.PendingInvitation(ctx, o.Org.ID, addr.Key)
		invited := err == nil && inv.StatusAt(o.Now) == StatusPending
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if invited {
			inv.Status, inv.AcceptedBy, inv.DecidedAt, inv.UpdatedAt = StatusAccepted, in.UserID, o.Now, o.Now
			inv.SealedToken, inv.KeyID = nil, ""
			if err := s.st.UpdateInvitation(ctx, inv); err != nil {
				return err
			}
		}
		ws, err := s.liveWorkspaces(ctx, o.Org.ID, l.Workspaces)
		if err != nil {
			return err
		}
		m, err := o.Admit(ctx, l.CreatedBy, membership.NewMember{UserID: in.UserID,
			Email: addr.ASCII, Name: in.Name, Role: l.Role, Workspaces: ws, Data: l.Data})
		if err != nil {
			return err
		}
		if err := s.st.UseLink(ctx, o.Org.ID, l.ID); err != nil {
			if errors.Is(err, ErrConflict) {
				return fmt.Errorf("%w: all %d uses taken", ErrUsedUp, l.MaxUses)
			}
			return err
		}
		l.Uses++
		if invited {
			ir := invitationRecord(EventInvitationAccepted, inv, nil)
			ir.UserID, ir.Data = in.UserID, inv.Data
			ir.After["user"] = in.UserID
			ir.After["link"] = l.ID.String()
			if err := o.RecordAs(ctx, in.UserID, ir); err != nil {
				return err
			}
		}
		r := linkRecord(EventLinkJoined, l)
		r.UserID, r.Data = in.UserID, l.Data
		r.After["user"] = in.UserID
		r.After["email"] = addr.Key
		out = Acceptance{Member: m, Kind: KindLink, LinkID: l.ID, Data: l.Data}
		return o.RecordAs(ctx, in.UserID, r)
	})
	if err != nil {
		return Acceptance{}, err
	}
	return out, nil
}
