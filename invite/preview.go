package invite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Preview is what an accept page shows before the user accepts: who
// invites, to what, as what. It holds no token and nothing about any other
// invitation.
type Preview struct {
	Kind    TokenKind
	OrgID   uuid.UUID
	OrgName string
	// InviterName and InviterEmail describe the inviter (or the link's
	// creator), as the organization knows them.
	InviterName  string
	InviterEmail string
	// Email is the invited address (invitations only): the account that
	// may accept.
	Email      string
	Role       roles.Role
	Workspaces []WorkspaceRole
	// ExpiresAt is when the token stops working; zero for a link without
	// expiry.
	ExpiresAt time.Time
	// AllowedDomains are the email domains a link admits (links only;
	// empty admits all).
	AllowedDomains []string
}

// WorkspaceRole is a workspace offered by an invitation or link.
type WorkspaceRole struct {
	ID   uuid.UUID
	Name string
	Role roles.Role
}

// Preview describes the invitation or link a token opens, for the accept
// page. It changes nothing: looking at a token never accepts it. Errors:
// ErrInvalidToken (malformed, mistyped or unknown), ErrExpired, ErrRevoked,
// ErrAlreadyUsed, ErrRejected, ErrUsedUp, ErrLinksDisabled.
func (s *Service) Preview(ctx context.Context, token string) (Preview, error) {
	if err := s.ready(ctx); err != nil {
		return Preview{}, err
	}
	t, err := ParseToken(token)
	if err != nil {
		return Preview{}, err
	}
	now := s.now()
	if t.Kind == KindLink {
		l, err := s.linkByToken(ctx, t)
		if err != nil {
			return Preview{}, err
		}
		org, err := s.ms.Organization(ctx, l.OrgID)
		if err != nil {
			return Preview{}, tokenLookup(err)
		}
		if err := linkUsable(l, org.Settings.LinksDisabled, now); err != nil {
			return Preview{}, err
		}
		p := Preview{Kind: KindLink, OrgID: org.ID, OrgName: org.Name, Role: l.Role,
			ExpiresAt: l.ExpiresAt, AllowedDomains: append([]string(nil), l.AllowedDomains...)}
		return s.fillPreview(ctx, p, l.CreatedBy, l.Workspaces)
	}
	inv, err := s.invitationByToken(ctx, t)
	if err != nil {
		return Preview{}, err
	}
	if err := invitationUsable(inv, now); err != nil {
		return Preview{}, err
	}
	org, err := s.ms.Organization(ctx, inv.OrgID)
	if err != nil {
		return Preview{}, tokenLookup(err)
	}
	p := Preview{Kind: KindInvitation, OrgID: org.ID, OrgName: org.Name, Email: inv.Email,
		Role: inv.Role, ExpiresAt: inv.ExpiresAt}
	return s.fillPreview(ctx, p, inv.InvitedBy, inv.Workspaces)
}

func (s *Service) fillPreview(ctx context.Context, p Preview, inviter string, ws map[uuid.UUID]roles.Role) (Preview, error) {
	if by, err := s.ms.Member(ctx, p.OrgID, inviter); err == nil {
		p.InviterName, p.InviterEmail = by.Name, by.Email
	} else if !errors.Is(err, ErrNotFound) {
		return Preview{}, err
	}
	var err error
	p.Workspaces, err = s.workspaceNames(ctx, p.OrgID, ws)
	if err != nil {
		return Preview{}, err
	}
	return p, nil
}

// workspaceNames names the workspaces of ws that still exist, in ID order.
func (s *Service) workspaceNames(ctx context.Context, org uuid.UUID, ws map[uuid.UUID]roles.Role) ([]WorkspaceRole, error) {
	var out []WorkspaceRole
	for _, id := range sortedIDs(ws) {
		w, err := s.ms.Workspace(ctx, org, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, WorkspaceRole{ID: id, Name: w.Name, Role: ws[id]})
	}
	return out, nil
}

// invitationByToken finds the invitation of an invitation token.
func (s *Service) invitationByToken(ctx context.Context, t Token) (Invitation, error) {
	if t.Kind != KindInvitation {
		return Invitation{}, fmt.Errorf("%w: not an invitation token", ErrInvalidToken)
	}
	inv, err := s.st.InvitationByTokenHash(ctx, t.Hash[:])
	if err != nil {
		return Invitation{}, tokenLookup(err)
	}
	if !t.Matches(inv.TokenHash) {
		return Invitation{}, fmt.Errorf("%w: unknown token", ErrInvalidToken)
	}
	return inv, nil
}

// linkByToken finds the link of a link token.
func (s *Service) linkByToken(ctx context.Context, t Token) (Link, error) {
	if t.Kind != KindLink {
		return Link{}, fmt.Errorf("%w: not a link token", ErrInvalidToken)
	}
	l, err := s.st.LinkByTokenHash(ctx, t.Hash[:])
	if err != nil {
		return Link{}, tokenLookup(err)
	}
	if !t.Matches(l.TokenHash) {
		return Link{}, fmt.Errorf("%w: unknown token", ErrInvalidToken)
	}
	return l, nil
}

// tokenLookup turns "not found" into ErrInvalidToken.
func tokenLookup(err error) error {
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: unknown token", ErrInvalidToken)
	}
	return err
}

// invitationUsable returns why inv cannot be accepted at now, if it cannot.
func invitationUsable(inv Invitation, now time.Time) error {
	switch inv.StatusAt(now) {
	case StatusPending:
		return nil
	case StatusExpired:
		return fmt.Errorf("%w: the invitation expired", ErrExpired)
	case StatusRevoked:
		return fmt.Errorf("%w: the invitation was revoked", ErrRevoked)
	case StatusAccepted:
		return fmt.Errorf("%w: the invitation was already accepted", ErrAlreadyUsed)
	case StatusRejected:
		return fmt.Errorf("%w: the invitation was declined", ErrRejected)
	}
	return fmt.Errorf("%w: unknown invitation status", ErrInvalidToken)
}

// linkUsable returns why l cannot be joined at now, if it cannot.
func linkUsable(l Link, disabled bool, now time.Time) error {
	switch {
	case disabled:
		return fmt.Errorf("%w for this organization", ErrLinksDisabled)
	case l.Revoked:
		return fmt.Errorf("%w: the link was revoked", ErrRevoked)
	case l.Expired(now):
		return fmt.Errorf("%w: the link expired", ErrExpired)
	case l.UsedUp():
		return fmt.Errorf("%w: all %d uses taken", ErrUsedUp, l.MaxUses)
	}
	return nil
}
