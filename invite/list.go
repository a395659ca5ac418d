package invite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// Pending returns the statuses of invitations waiting for an answer, for
// InvitationFilter.Statuses.
func Pending() []Status { return []Status{StatusPending} }

// Past returns the statuses of invitations that are over, for
// InvitationFilter.Statuses.
func Past() []Status {
	return []Status{StatusAccepted, StatusRejected, StatusRevoked, StatusExpired}
}

// Invitations lists the invitations of org that match f (f.Now is set to
// the current time), ordered by ID, a page at a time. actor must be an
// active member who may see the member list or invite (ErrForbidden).
func (s *Service) Invitations(ctx context.Context, actor string, org uuid.UUID, f InvitationFilter, page storage.Page) ([]Invitation, string, error) {
	if err := s.reader(ctx, actor, org); err != nil {
		return nil, "", err
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, "", fmt.Errorf("%w: unknown invitation status %q", ErrInvalidInput, clipEntry(string(st)))
		}
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	f.Now = s.now()
	return s.st.Invitations(ctx, org, f, page)
}

// Invitation returns invitation id of org. Who may: as for Invitations.
// It returns ErrNotFound when the invitation is not in org.
func (s *Service) Invitation(ctx context.Context, actor string, org, id uuid.UUID) (Invitation, error) {
	if err := s.reader(ctx, actor, org); err != nil {
		return Invitation{}, err
	}
	return s.st.Invitation(ctx, org, id)
}

// Links lists the invite links of org, ordered by ID, a page at a time.
// Who may: as for Invitations.
func (s *Service) Links(ctx context.Context, actor string, org uuid.UUID, page storage.Page) ([]Link, string, error) {
	if err := s.reader(ctx, actor, org); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	return s.st.Links(ctx, org, page)
}

// Link returns link id of org. Who may: as for Invitations. It returns
// ErrNotFound when the link is not in org.
func (s *Service) Link(ctx context.Context, actor string, org, id uuid.UUID) (Link, error) {
	if err := s.reader(ctx, actor, org); err != nil {
		return Link{}, err
	}
	return s.st.Link(ctx, org, id)
}

// reader checks that actor is an active member of org who may see
// members or invite.
func (s *Service) reader(ctx context.Context, actor string, org uuid.UUID) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if org == uuid.Nil {
		return fmt.Errorf("%w: zero organization ID", ErrInvalidInput)
	}
	if err := checkUserID(actor); err != nil {
		return fmt.Errorf("actor: %w", err)
	}
	m, err := s.ms.Member(ctx, org, actor)
	if err != nil {
		if _, oerr := s.ms.Organization(ctx, org); oerr != nil {
			return oerr
		}
		if isNotFound(err) {
			return fmt.Errorf("%w: %q is not a member", ErrForbidden, clipEntry(actor))
		}
		return err
	}
	perms := s.cat.OrgPerms(m.Role, m.Grants)
	if m.Deactivated || !(perms.Has(roles.PermViewMembers) || perms.Has(roles.PermInvite)) {
		return fmt.Errorf("%w: %q may not see invitations", ErrForbidden, clipEntry(actor))
	}
	return nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, membership.ErrNotFound) }
