package membership

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Permissions returns the workspace permissions userID holds in workspace
// ws of org: what Can answers for each of them, in Can's one store
// look-up, for a page that shows or hides its buttons. A non-member, a
// deactivated member, or a workspace of another organization holds none
// (0, nil). A zero ws is ErrInvalidInput.
func (s *Service) Permissions(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (roles.PermSet, error) {
	if err := s.ready(ctx); err != nil {
		return 0, fmt.Errorf("permissions: %w", err)
	}
	if ws == uuid.Nil {
		return 0, fmt.Errorf("permissions: %w: zero workspace ID (ask OrgPermissions)", ErrInvalidInput)
	}
	if s.perms != nil {
		return s.perms.CheckPermissions(ctx, org, userID, ws)
	}
	a, err := s.st.CheckAccess(ctx, org, userID, ws)
	switch {
	case isNotFound(err):
		return 0, nil
	case err != nil:
		return 0, err
	case a.Deactivated || !a.WorkspaceFound:
		return 0, nil
	}
	return s.cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole), nil
}

// OrgPermissions returns the organization permissions userID holds in org:
// what CanOrg answers for each of them, the invite permission included
// exactly when CanInvite says yes (the organization's MembersMayInvite
// counts, and guests never invite). A non-member or deactivated member
// holds none (0, nil).
func (s *Service) OrgPermissions(ctx context.Context, org uuid.UUID, userID string) (roles.PermSet, error) {
	if err := s.ready(ctx); err != nil {
		return 0, fmt.Errorf("org permissions: %w", err)
	}
	m, err := s.st.Member(ctx, org, userID)
	switch {
	case isNotFound(err):
		return 0, nil
	case err != nil:
		return 0, err
	case m.Deactivated:
		return 0, nil
	}
	o, err := s.st.Organization(ctx, org)
	if err != nil {
		if isNotFound(err) {
			return 0, nil
		}
		return 0, err
	}
	perms := s.cat.OrgPerms(m.Role, m.Grants).Without(roles.Grants(roles.PermInvite))
	switch err := s.mayInvite(o, m); {
	case err == nil:
		perms = perms.Union(roles.Grants(roles.PermInvite))
	case !errors.Is(err, ErrForbidden):
		return 0, err
	}
	return perms, nil
}
