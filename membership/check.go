package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Can reports whether userID may use perm in workspace ws of org. It is the
// check a host runs on every request: one store look-up, then a bit test.
// Owners and admins (AllWorkspaces roles) hold the top workspace role in
// every workspace of the organization; anyone else needs access to ws. A
// non-member, a deactivated member, or a workspace of another organization
// is simply denied (false, nil); the error is for store failures, for a
// permission the catalog does not define, out-of-range bits included
// (ErrInvalidRole, whoever asks), and for a zero workspace ID
// (ErrInvalidInput: organization permissions are CanOrg's). The look-up is
// CheckPermissions when the Store indexes permissions under the Service's
// catalog (PermissionIndex), CheckAccess otherwise.
func (s *Service) Can(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID, perm roles.Permission) (bool, error) {
	if s != nil && s.perms != nil && ctx != nil && ws != uuid.Nil && s.defined.Has(perm) {
		p, err := s.perms.CheckPermissions(ctx, org, userID, ws)
		return err == nil && p.Has(perm), err
	}
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("can: %w", err)
	}
	if ws == uuid.Nil {
		return false, fmt.Errorf("can: %w: zero workspace ID (ask CanOrg for organization permissions)", ErrInvalidInput)
	}
	if _, err := s.cat.PermissionScope(perm); err != nil {
		return false, fmt.Errorf("can: %w", err)
	}
	a, err := s.st.CheckAccess(ctx, org, userID, ws)
	if err != nil {
		if err == ErrNotFound || isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	if a.Deactivated || !a.WorkspaceFound {
		return false, nil
	}
	return s.cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole).Has(perm), nil
}

// CanOrg reports whether userID may use the organization-scope permission
// perm in org (manage members, invite, billing…), by role or grant. It
// returns ErrInvalidRole for a permission the catalog does not define and
// for a workspace-scope one (ask Can, with the workspace). For the invite
// permission it answers CanInvite, which also weighs the organization's
// MembersMayInvite and the rule that guests never invite.
func (s *Service) CanOrg(ctx context.Context, org uuid.UUID, userID string, perm roles.Permission) (bool, error) {
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("can org: %w", err)
	}
	if scope, err := s.cat.PermissionScope(perm); err != nil {
		return false, fmt.Errorf("can org: %w", err)
	} else if scope != roles.ScopeOrg {
		return false, fmt.Errorf("can org: %w: %s is a workspace permission", ErrInvalidRole, s.cat.PermissionName(perm))
	}
	if perm == roles.PermInvite {
		return s.CanInvite(ctx, org, userID)
	}
	if s.perms != nil {
		p, err := s.perms.CheckPermissions(ctx, org, userID, uuid.Nil)
		return err == nil && p.Has(perm), err
	}
	a, err := s.st.CheckAccess(ctx, org, userID, uuid.Nil)
	if err != nil {
		if err == ErrNotFound || isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	if a.Deactivated {
		return false, nil
	}
	return s.cat.OrgPerms(a.Role, a.Grants).Has(perm), nil
}
