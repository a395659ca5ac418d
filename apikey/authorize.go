package apikey

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Authorize is the gate of a request that presented a key: it returns nil
// when the key of p may act with one of the permissions anyOf in
// workspace ws, or, with ws uuid.Nil, at organization scope. An empty
// anyOf asks for no particular permission, only that the key may act
// there at all: in ws, or (ws uuid.Nil) in its organization, which any
// key of it may, even one narrowed to a workspace.
//
// Like Can, it weighs the member's permissions now, the API access
// permission still held, and the key's scope. A refusal is audited, as a
// denied "apikey.used" event with the key's ID as target, and is one of:
//   - ErrForbidden when the member may not: it is no longer an active
//     member, no longer holds the API access permission, has no access to
//     ws, or holds none of anyOf there (the answer its session would get);
//   - ErrOutOfScope, a kind of ErrForbidden, when the member may but the
//     key's scope does not allow it: ws is not the workspace the key is
//     narrowed to, an organization permission is asked of a key narrowed
//     to a workspace, or anyOf holds none of the key's permissions.
//
// A principal not made by Authenticate is ErrForbidden, not audited.
// A permission the catalog does not define, or a workspace permission
// asked at organization scope, is ErrInvalidRole, not audited.
func (s *Service) Authorize(ctx context.Context, p Principal, ws uuid.UUID, anyOf roles.PermSet) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	if err := s.checkNeed(ws, anyOf); err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	if !p.valid {
		return fmt.Errorf("authorize: %w: not an authenticated key", ErrForbidden)
	}
	var member roles.PermSet
	var err error
	if ws == uuid.Nil {
		member, err = s.m.OrgPermissions(ctx, p.OrgID, p.UserID)
	} else {
		member, err = s.m.Permissions(ctx, p.OrgID, p.UserID, ws)
	}
	if err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	why := s.refusal(p, ws, anyOf, member)
	if why == nil {
		return nil
	}
	s.x.RecordDenied(ctx, p.UserID, p.OrgID, ActionUsed, p.KeyID.String(), why)
	return fmt.Errorf("authorize: key %s: %w", p.KeyID, why)
}

// checkNeed refuses a need no permission check could answer: permissions
// the catalog does not define, or workspace ones at organization scope.
func (s *Service) checkNeed(ws uuid.UUID, anyOf roles.PermSet) error {
	for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
		if !anyOf.Has(p) {
			continue
		}
		scope, err := s.cat.PermissionScope(p)
		if err != nil {
			return err
		}
		if ws == uuid.Nil && scope != roles.ScopeOrg {
			return fmt.Errorf("%w: %s is a workspace permission", ErrInvalidRole, s.cat.PermissionName(p))
		}
	}
	return nil
}

// refusal says why the key of p may not act as asked, given its member's
// permissions there now, or returns nil when it may.
func (s *Service) refusal(p Principal, ws uuid.UUID, anyOf, member roles.PermSet) error {
	switch {
	case !member.Has(roles.PermAPIAccess):
		if ws == uuid.Nil {
			return fmt.Errorf("%w: the key's member is not an active member holding API access", ErrForbidden)
		}
		return fmt.Errorf("%w: the key's member holds no API access in workspace %s", ErrForbidden, ws)
	case anyOf != 0 && member&anyOf == 0:
		return fmt.Errorf("%w: the key's member lacks %s", ErrForbidden, s.needNames(anyOf))
	case p.Scope.Workspace != uuid.Nil && ws != uuid.Nil && ws != p.Scope.Workspace:
		return fmt.Errorf("%w: the key is narrowed to workspace %s", ErrOutOfScope, p.Scope.Workspace)
	case p.Scope.Workspace != uuid.Nil && ws == uuid.Nil && anyOf != 0:
		return fmt.Errorf("%w: the key is narrowed to a workspace and holds no organization permission", ErrOutOfScope)
	case anyOf != 0 && s.narrow(p, member)&anyOf == 0:
		return fmt.Errorf("%w: the key was not given %s", ErrOutOfScope, s.needNames(anyOf))
	}
	return nil
}

// needNames names the permissions of a need: "members.view or
// members.invite".
func (s *Service) needNames(anyOf roles.PermSet) string { return s.permNames(anyOf, " or ") }
