package apikey

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Grant is what a request made with a key gives someone: an organization
// role, extra grants and workspace roles, as an invitation, a link, a
// role change, a change of grants or of workspace access does.
// AuthorizeGrant weighs it against what the key holds.
type Grant struct {
	// Role is the organization role given; "" gives none (a change of
	// grants or workspace roles only). A request that leaves the role to
	// the catalog's default gives that role: name it
	// (roles.Catalog.DefaultOrgRole).
	Role roles.Role
	// Grants are the extra organization permissions given; a change of a
	// member's grants gives the whole new set.
	Grants roles.PermSet
	// Workspaces are the workspace roles given, by workspace.
	Workspaces map[uuid.UUID]roles.Role
}

// AuthorizeGrant is the ceiling of a request made with a key that gives
// someone access: it returns nil when nothing of gs gives a permission
// the key of p does not hold itself. A key acts as its member, never
// more, so what the member's session may give (the ceiling of
// membership.Service.Resolve, ChangeRole, SetGrants and
// SetWorkspaceAccess) is narrowed further by the key's scope:
//   - at organization scope, the permissions of each Role with its
//     Grants, and what they imply (roles.Catalog.OrgPerms), must be
//     permissions the key holds there (OrgPermissions). So a key narrowed
//     to members.invite alone cannot invite even a member of the default
//     catalog, whose role holds members.view: the key must hold every
//     permission of the role it gives. A key narrowed to a workspace
//     gives no organization permission;
//   - in each workspace of Workspaces, the permissions of the role given
//     there must be permissions the key holds in that workspace
//     (Permissions);
//   - a Role that is admin of every workspace (AllWorkspaces: owner and
//     admin in the default catalog) gives the top workspace role in every
//     workspace, present and future, so the key must hold its
//     permissions everywhere: its member is such an admin, and the key is
//     not narrowed to a workspace.
//
// It weighs permissions only. Ranks, owners, and whether the member may
// give the assignment at all remain the library's checks, made when the
// request then calls it as the key's member; for a key with the zero
// Scope, which holds what its member holds, AuthorizeGrant refuses
// nothing those checks would allow.
//
// A refusal is audited as Authorize's are (a denied "apikey.used" event
// with the key's ID as target) and is one of:
//   - ErrForbidden when the member does not hold what is given: it is no
//     longer an active member holding the API access permission, or lacks
//     a permission given, at organization scope or in a workspace;
//   - ErrOutOfScope, a kind of ErrForbidden, when the member holds it but
//     the key's scope does not.
//
// A role, grant or workspace role the catalog does not define is
// ErrInvalidRole, a zero workspace ID ErrInvalidInput, and a workspace
// not in the key's organization ErrNotFound; none of these is audited,
// nor is ErrForbidden for a principal not made by Authenticate.
func (s *Service) AuthorizeGrant(ctx context.Context, p Principal, gs ...Grant) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("authorize grant: %w", err)
	}
	g, err := s.gift(gs)
	if err != nil {
		return fmt.Errorf("authorize grant: %w", err)
	}
	if !p.valid {
		return fmt.Errorf("authorize grant: %w: not an authenticated key", ErrForbidden)
	}
	why, err := s.grantRefusal(ctx, p, g)
	if err != nil {
		return fmt.Errorf("authorize grant: %w", err)
	}
	if why == nil {
		return nil
	}
	s.x.RecordDenied(ctx, p.UserID, p.OrgID, ActionUsed, p.KeyID.String(), why)
	return fmt.Errorf("authorize grant: key %s: %w", p.KeyID, why)
}

// gifted is the permissions some grants give, by scope.
type gifted struct {
	org        roles.PermSet               // at organization scope
	everywhere roles.PermSet               // in every workspace (an AllWorkspaces role)
	ws         map[uuid.UUID]roles.PermSet // in each workspace named
}

// gift returns the permissions gs give, with what they imply, or
// ErrInvalidRole or ErrInvalidInput for what the catalog does not define.
func (s *Service) gift(gs []Grant) (gifted, error) {
	var out gifted
	for _, g := range gs {
		if err := s.cat.CheckGrants(g.Grants); err != nil {
			return out, err
		}
		if g.Role == "" {
			out.org |= s.implied(g.Grants)
		} else {
			def, err := s.cat.OrgRole(g.Role)
			if err != nil {
				return out, err
			}
			out.org |= s.cat.OrgPerms(g.Role, g.Grants)
			if def.AllWorkspaces {
				out.everywhere |= s.implied(s.cat.TopWorkspaceRole().Perms)
			}
		}
		for ws, r := range g.Workspaces {
			if ws == uuid.Nil {
				return out, fmt.Errorf("%w: zero workspace ID", ErrInvalidInput)
			}
			def, err := s.cat.WorkspaceRole(r)
			if err != nil {
				return out, err
			}
			if out.ws == nil {
				out.ws = make(map[uuid.UUID]roles.PermSet, len(g.Workspaces))
			}
			out.ws[ws] |= s.implied(def.Perms)
		}
	}
	return out, nil
}

// implied returns ps with what its permissions imply (managing billing
// includes viewing it), as the catalog computes it: what OrgPerms adds
// for ps to the permissions of any org role. A permission implied that
// every org role holds anyway is left out, since whoever receives ps
// holds it already by role.
func (s *Service) implied(ps roles.PermSet) roles.PermSet {
	out := ps
	for _, r := range s.orgRoles {
		out |= s.cat.OrgPerms(r, ps).Without(s.cat.OrgPerms(r, 0))
	}
	return out
}

// grantRefusal says why the key of p may not give g, weighing its
// member's permissions now and the key's scope, or returns nil when it
// may. The error is for store failures and for a workspace not in the
// key's organization.
func (s *Service) grantRefusal(ctx context.Context, p Principal, g gifted) (why, err error) {
	member, err := s.m.OrgPermissions(ctx, p.OrgID, p.UserID)
	if err != nil {
		return nil, err
	}
	if !member.Has(roles.PermAPIAccess) {
		return fmt.Errorf("%w: the key's member is not an active member holding API access", ErrForbidden), nil
	}
	if why := s.ceiling(p, g.org, member, "at organization scope", p.Scope.Workspace != uuid.Nil); why != nil {
		return why, nil
	}
	if g.everywhere != 0 {
		if member, err = s.everywhere(ctx, p); err != nil {
			return nil, err
		}
		if why := s.ceiling(p, g.everywhere, member, "in every workspace", p.Scope.Workspace != uuid.Nil); why != nil {
			return why, nil
		}
	}
	for _, ws := range slices.SortedFunc(maps.Keys(g.ws), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
		member, err := s.m.Permissions(ctx, p.OrgID, p.UserID, ws)
		if err != nil {
			return nil, err
		}
		if !member.Has(roles.PermAPIAccess) {
			// No access there, or no such workspace in the organization.
			if _, err := s.x.Store().Workspace(ctx, p.OrgID, ws); err != nil {
				return nil, fmt.Errorf("workspace %s: %w", ws, err)
			}
		}
		where := "in workspace " + ws.String()
		if why := s.ceiling(p, g.ws[ws], member, where, p.Scope.Workspace != uuid.Nil && p.Scope.Workspace != ws); why != nil {
			return why, nil
		}
	}
	return nil, nil
}

// everywhere returns what the member of p holds in every workspace of its
// organization, present and future: the top workspace role's permissions
// for an active member whose org role is AllWorkspaces, beside its
// organization permissions; nothing for anyone else.
func (s *Service) everywhere(ctx context.Context, p Principal) (roles.PermSet, error) {
	m, err := s.x.Store().Member(ctx, p.OrgID, p.UserID)
	switch {
	case isNotFound(err):
		return 0, nil
	case err != nil:
		return 0, err
	case m.Deactivated:
		return 0, nil
	}
	return s.cat.WorkspacePerms(m.Role, m.Grants, ""), nil
}

// ceiling says why the key of p may not give the permissions given
// where its member holds member: the member lacks some (ErrForbidden),
// the key is narrowed away from there (out), or its scope lacks some
// (ErrOutOfScope). It returns nil when the key holds them all.
func (s *Service) ceiling(p Principal, given, member roles.PermSet, where string, out bool) error {
	switch {
	case given == 0:
		return nil
	case given.Without(member) != 0:
		return fmt.Errorf("%w: the key's member does not hold %s %s", ErrForbidden, s.permNames(given.Without(member), " and "), where)
	case out:
		return fmt.Errorf("%w: the key is narrowed to workspace %s and gives nothing %s", ErrOutOfScope, p.Scope.Workspace, where)
	case given.Without(s.narrow(p, member)) != 0:
		return fmt.Errorf("%w: the key was not given %s %s", ErrOutOfScope, s.permNames(given.Without(s.narrow(p, member)), " and "), where)
	}
	return nil
}
