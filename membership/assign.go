package membership

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Assignment is what someone joining would receive: an org role, grants and
// workspace roles. Op.Resolve checks it against an organization and an
// actor.
type Assignment struct {
	Email      string
	Role       roles.Role
	Grants     roles.PermSet
	Workspaces map[uuid.UUID]roles.Role
}

// Resolve checks that by may give a in op's organization and returns it
// completed, with the kind of member it makes:
//   - an empty role becomes the catalog's default;
//   - someone outside the co-worker domains is a guest and gets the guest
//     role (ErrGuestsNotAllowed when the guest policy refuses guests);
//   - roles and grants must be in the catalog (ErrInvalidRole), workspaces
//     in the organization (ErrNotFound), and a member needs a workspace
//     where the organization requires it (ErrWorkspaceRequired);
//   - by must outrank and out-hold everything given (ErrForbidden), at
//     organization scope and in every workspace.
func (op *Op) Resolve(ctx context.Context, by Member, a Assignment) (Assignment, Kind, error) {
	if err := op.ready(ctx); err != nil {
		return Assignment{}, "", err
	}
	return op.s.resolve(ctx, op, by, a)
}

func (s *Service) resolve(ctx context.Context, op *Op, by Member, a Assignment) (Assignment, Kind, error) {
	out := Assignment{Email: a.Email, Role: a.Role, Grants: a.Grants}
	if out.Role == "" {
		out.Role = s.cat.DefaultOrgRole()
	}
	def, err := s.cat.OrgRole(out.Role)
	if err != nil {
		return out, "", err
	}
	kind := kindOf(op.Org, a.Email)
	if g, ok := s.cat.Guest(); ok && def.Guest {
		kind = KindGuest
	} else if kind == KindGuest {
		if op.Org.Settings.GuestPolicy == GuestsDenied {
			return out, "", fmt.Errorf("%w: %q is outside the organization's domains", ErrGuestsNotAllowed, clip(a.Email))
		}
		if ok {
			out.Role, def = g.Name, g
		} else if def.Owner || def.AllWorkspaces {
			return out, "", fmt.Errorf("%w: a guest cannot hold %q", ErrForbidden, out.Role)
		}
	}
	if err := s.cat.CheckGrants(out.Grants); err != nil {
		return out, "", err
	}
	if err := checkGuestGrants(kind, def, out.Grants); err != nil {
		return out, "", err
	}
	actor, err := s.cat.OrgStanding(by.Role, by.Grants)
	if err != nil {
		return out, "", err
	}
	to, err := s.cat.OrgStanding(out.Role, out.Grants)
	if err != nil {
		return out, "", err
	}
	if err := roles.Ceiling(actor, nil, &to); err != nil {
		return out, "", err
	}
	if len(a.Workspaces) > 0 {
		out.Workspaces = make(map[uuid.UUID]roles.Role, len(a.Workspaces))
	}
	for ws, r := range a.Workspaces {
		if err := s.checkWorkspaceGrant(ctx, op, by, ws, r); err != nil {
			return out, "", err
		}
		out.Workspaces[ws] = r
	}
	if op.Org.Settings.RequireWorkspace && !def.AllWorkspaces && len(out.Workspaces) == 0 {
		return out, "", fmt.Errorf("%w: a %s needs at least one workspace", ErrWorkspaceRequired, out.Role)
	}
	return out, kind, nil
}

// checkWorkspaceGrant checks that by may give role r in workspace ws of
// op's organization.
func (s *Service) checkWorkspaceGrant(ctx context.Context, op *Op, by Member, ws uuid.UUID, r roles.Role) error {
	if err := checkID("workspace ID", ws); err != nil {
		return err
	}
	def, err := s.cat.WorkspaceRole(r)
	if err != nil {
		return err
	}
	// One read answers both whether ws is in the organization and what by
	// holds there.
	a, err := s.st.CheckAccess(ctx, by.OrgID, by.UserID, ws)
	switch {
	case err != nil:
		return err
	case !a.WorkspaceFound:
		return fmt.Errorf("workspace %s: %w", ws, ErrNotFound)
	}
	actor, err := s.cat.WorkspaceStanding(by.Role, a.WorkspaceRole)
	if err != nil {
		return err
	}
	return roles.Ceiling(actor, nil, &roles.Standing{Rank: def.Rank, Perms: def.Perms})
}

// workspaceStanding is m's standing in workspace ws.
func (s *Service) workspaceStanding(ctx context.Context, m Member, ws uuid.UUID) (roles.Standing, error) {
	a, err := s.st.CheckAccess(ctx, m.OrgID, m.UserID, ws)
	if err != nil {
		return roles.Standing{}, err
	}
	return s.cat.WorkspaceStanding(m.Role, a.WorkspaceRole)
}

// mayInvite is the rule of Extension.MayInvite.
func (s *Service) mayInvite(org Organization, m Member) error {
	if m.Deactivated || m.UserID == "" {
		return fmt.Errorf("%w: %q is not an active member", ErrForbidden, clip(m.UserID))
	}
	def, err := s.cat.OrgRole(m.Role)
	if err != nil {
		return err
	}
	if m.Kind == KindGuest || def.Guest {
		return fmt.Errorf("%w: guests cannot invite", ErrForbidden)
	}
	if s.cat.OrgPerms(m.Role, m.Grants).Has(roles.PermInvite) || org.Settings.MembersMayInvite {
		return nil
	}
	return fmt.Errorf("%w: %q may not invite", ErrForbidden, clip(m.UserID))
}

// CanInvite reports whether userID may invite people into org now, by the
// rule Invite and CreateLink enforce: the invite permission by role or
// grant, or the organization's MembersMayInvite for co-workers;
// never for guests. A host asks it to show or hide its Invite button. A
// non-member, a deactivated member or an unknown organization is simply
// false; the error is for store failures.
func (s *Service) CanInvite(ctx context.Context, org uuid.UUID, userID string) (bool, error) {
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("can invite: %w", err)
	}
	m, err := s.st.Member(ctx, org, userID)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	o, err := s.st.Organization(ctx, org)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	switch err := s.mayInvite(o, m); {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrForbidden):
		return false, nil
	default:
		return false, err
	}
}

// checkGuestGrants returns ErrForbidden when a member of kind kind holding
// role def would carry a grant guests can never use: guests never invite
// (see mayInvite), so the invite grant is refused to them rather than
// stored unused.
func checkGuestGrants(kind Kind, def roles.RoleDef, grants roles.PermSet) error {
	if (kind == KindGuest || def.Guest) && grants.Has(roles.PermInvite) {
		return fmt.Errorf("%w: guests never invite, so a guest cannot hold the invite grant", ErrForbidden)
	}
	return nil
}
