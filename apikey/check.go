package apikey

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Can reports whether the key of p may use perm in workspace ws: its
// member may, now (membership.Service.Can's answer, in its one look-up),
// still holds the API access permission, and the key's scope allows it.
// Demoting, deactivating or removing the member, or withdrawing its API
// access, cuts the key at once. Like membership.Service.Can, it returns
// ErrInvalidRole for a permission the catalog does not define and
// ErrInvalidInput for a zero workspace ID; a principal not made by
// Authenticate may do nothing.
func (s *Service) Can(ctx context.Context, p Principal, ws uuid.UUID, perm roles.Permission) (bool, error) {
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("can: %w", err)
	}
	if _, err := s.cat.PermissionScope(perm); err != nil {
		return false, fmt.Errorf("can: %w", err)
	}
	ps, err := s.permissions(ctx, p, ws)
	return ps.Has(perm), err
}

// CanOrg reports whether the key of p may use the organization permission
// perm: its member may, now (membership.Service.CanOrg's answer), still
// holds the API access permission, and the key's scope allows it (a key
// narrowed to one workspace holds no organization permission). It returns
// ErrInvalidRole for a permission the catalog does not define and for a
// workspace one.
func (s *Service) CanOrg(ctx context.Context, p Principal, perm roles.Permission) (bool, error) {
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("can org: %w", err)
	}
	if scope, err := s.cat.PermissionScope(perm); err != nil {
		return false, fmt.Errorf("can org: %w", err)
	} else if scope != roles.ScopeOrg {
		return false, fmt.Errorf("can org: %w: %s is a workspace permission", ErrInvalidRole, s.cat.PermissionName(perm))
	}
	ps, err := s.orgPermissions(ctx, p)
	return ps.Has(perm), err
}

// Permissions returns what the key of p may do in workspace ws: what Can
// answers for each permission, in one look-up. A zero ws is
// ErrInvalidInput.
func (s *Service) Permissions(ctx context.Context, p Principal, ws uuid.UUID) (roles.PermSet, error) {
	if err := s.ready(ctx); err != nil {
		return 0, fmt.Errorf("permissions: %w", err)
	}
	return s.permissions(ctx, p, ws)
}

// permissions is Permissions once the Service is known ready.
func (s *Service) permissions(ctx context.Context, p Principal, ws uuid.UUID) (roles.PermSet, error) {
	if ws == uuid.Nil {
		return 0, fmt.Errorf("permissions: %w: zero workspace ID (ask OrgPermissions)", ErrInvalidInput)
	}
	if !p.valid || p.Scope.Workspace != uuid.Nil && p.Scope.Workspace != ws {
		return 0, nil
	}
	ps, err := s.m.Permissions(ctx, p.OrgID, p.UserID, ws)
	if err != nil {
		return 0, err
	}
	return s.narrow(p, ps), nil
}

// OrgPermissions returns the organization permissions the key of p may
// use: what CanOrg answers for each of them.
func (s *Service) OrgPermissions(ctx context.Context, p Principal) (roles.PermSet, error) {
	if err := s.ready(ctx); err != nil {
		return 0, fmt.Errorf("org permissions: %w", err)
	}
	return s.orgPermissions(ctx, p)
}

// orgPermissions is OrgPermissions once the Service is known ready.
func (s *Service) orgPermissions(ctx context.Context, p Principal) (roles.PermSet, error) {
	if !p.valid || p.Scope.Workspace != uuid.Nil {
		return 0, nil
	}
	ps, err := s.m.OrgPermissions(ctx, p.OrgID, p.UserID)
	if err != nil {
		return 0, err
	}
	return s.narrow(p, ps), nil
}

// narrow returns what of the member's current permissions ps the key of p
// may use: nothing once the member lost the API access permission; for a
// key narrowed to a workspace, no organization permission; for a key
// narrowed to some permissions, those only.
func (s *Service) narrow(p Principal, ps roles.PermSet) roles.PermSet {
	if !ps.Has(roles.PermAPIAccess) {
		return 0
	}
	if p.Scope.Workspace != uuid.Nil {
		ps &^= s.orgPerms
	}
	if p.Scope.Perms != 0 {
		ps &= p.Scope.Perms
	}
	return ps
}
