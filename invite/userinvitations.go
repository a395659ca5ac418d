package invite

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// UserInvitation is a pending invitation as its invitee sees it, in a
// "you have been invited" list across organizations: the organization's
// name and slug, the inviter's name and the workspaces' names. It carries
// no token material: TokenHash and SealedToken are nil.
type UserInvitation struct {
	InvitationView
	OrgName, OrgSlug string
}

// UserInvitations lists the pending invitations, of every organization,
// addressed to in.Email (by its canonical key), ordered by invitation ID,
// for a signed-in user to accept or decline with AcceptByID and
// RejectByID. in.Email must be verified (unless
// Options.AllowUnverifiedEmail): the verified address is what entitles the
// user, as the token does in Accept. Expired invitations are left out.
// A page costs one indexed read, then, per organization on it, one read of
// the organization, one of its inviters and one walk of its workspaces.
//
// Errors: ErrInvalidInput (a malformed user ID), ErrEmailNotVerified,
// ErrEmailMismatch (in.Email is not a valid address),
// storage.ErrInvalidCursor.
func (s *Service) UserInvitations(ctx context.Context, in Invitee, page storage.Page) ([]UserInvitation, string, error) {
	if err := s.ready(ctx); err != nil {
		return nil, "", err
	}
	addr, err := s.checkInvitee(in)
	if err != nil {
		return nil, "", fmt.Errorf("invite: user invitations: %w", err)
	}
	invs, next, err := s.st.PendingInvitationsByEmail(ctx, addr.Key, s.now(), page)
	if err != nil || len(invs) == 0 {
		return nil, next, err
	}
	out := make([]UserInvitation, len(invs))
	byOrg := map[uuid.UUID][]int{}
	var orgs []uuid.UUID
	for i := range invs {
		invs[i].TokenHash, invs[i].SealedToken = nil, nil
		if _, ok := byOrg[invs[i].OrgID]; !ok {
			orgs = append(orgs, invs[i].OrgID)
		}
		byOrg[invs[i].OrgID] = append(byOrg[invs[i].OrgID], i)
	}
	for _, id := range orgs {
		org, err := s.ms.Organization(ctx, id)
		if err != nil {
			return nil, "", err
		}
		idx := byOrg[id]
		some := make([]Invitation, len(idx))
		for j, i := range idx {
			some[j] = invs[i]
		}
		views, err := s.viewsOf(ctx, id, some)
		if err != nil {
			return nil, "", err
		}
		for j, i := range idx {
			out[i] = UserInvitation{InvitationView: views[j], OrgName: org.Name, OrgSlug: org.Slug}
		}
	}
	return out, next, nil
}

// AllUserInvitations iterates over every page of UserInvitations.
func (s *Service) AllUserInvitations(ctx context.Context, in Invitee) iter.Seq2[UserInvitation, error] {
	return storage.All(func(p storage.Page) ([]UserInvitation, string, error) {
		return s.UserInvitations(ctx, in, p)
	})
}

// AcceptByID is Accept for an invitation the signed-in user picked from
// UserInvitations, named by its organization and ID instead of its token:
// in's verified email, with the invitation's canonical key, is what
// entitles the user. Everything else is Accept's: one transaction, the
// inviter's authority checked as it stands now, the same audit events.
//
// Errors: ErrNotFound (no such invitation in org), those of Accept but
// ErrInvalidToken.
func (s *Service) AcceptByID(ctx context.Context, org, id uuid.UUID, in Invitee) (Acceptance, error) {
	inv, err := s.invitationByID(ctx, org, id, in)
	if err != nil {
		return Acceptance{}, fmt.Errorf("%s: %w", EventInvitationAccepted, err)
	}
	return s.acceptInvitation(ctx, inv, nil, in)
}

// RejectByID is Reject for an invitation the signed-in user picked from
// UserInvitations, named by its organization and ID.
//
// Errors: ErrNotFound (no such invitation in org), those of Reject but
// ErrInvalidToken.
func (s *Service) RejectByID(ctx context.Context, org, id uuid.UUID, in Invitee) error {
	inv, err := s.invitationByID(ctx, org, id, in)
	if err != nil {
		return fmt.Errorf("%s: %w", EventInvitationRejected, err)
	}
	return s.rejectInvitation(ctx, inv, nil, in)
}

// invitationByID reads the invitation id of org for in's AcceptByID or
// RejectByID, after the checks that need no read.
func (s *Service) invitationByID(ctx context.Context, org, id uuid.UUID, in Invitee) (Invitation, error) {
	if err := s.ready(ctx); err != nil {
		return Invitation{}, err
	}
	if err := checkUserID(in.UserID); err != nil {
		return Invitation{}, err
	}
	if org == uuid.Nil || id == uuid.Nil {
		return Invitation{}, fmt.Errorf("%w: an organization and an invitation ID are required", ErrInvalidInput)
	}
	inv, err := s.st.Invitation(ctx, org, id)
	if errors.Is(err, ErrNotFound) {
		return Invitation{}, fmt.Errorf("invitation %s: %w", id, ErrNotFound)
	}
	return inv, err
}
