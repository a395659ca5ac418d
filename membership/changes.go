package membership

import (
	"context"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// ChangeRole gives a member another org role. The actor needs the
// manage-members permission and the authority of Ceiling; the last active
// owner cannot be demoted (ErrLastOwner). A member demoted below the right
// to invite (see Extension.MayInvite) loses, in the same transaction, the pending
// invitations and invite links it sent, as with RemoveMember.
func (s *Service) ChangeRole(ctx context.Context, actor string, org uuid.UUID, userID string, role roles.Role) (Member, error) {
	var out Member
	err := s.mutateMembers(ctx, actor, org, []string{userID}, EventRoleChanged, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageMembers); err != nil {
			return err
		}
		m, err := s.changeRole(ctx, op, userID, role)
		out = m
		return err
	})
	return out, err
}

// ChangeRoles applies several role changes, in order, all or nothing,
// each with ChangeRole's rules and errors (ErrLastOwner, ErrInvalidRole,
// ErrForbidden…): the first refused change refuses them all, and a user
// named twice ends with the later role.
func (s *Service) ChangeRoles(ctx context.Context, actor string, org uuid.UUID, changes []RoleChange) ([]Member, error) {
	var out []Member
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.UserID
	}
	err := s.mutateMembers(ctx, actor, org, ids, EventRoleChanged, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageMembers); err != nil {
			return err
		}
		out = make([]Member, 0, len(changes))
		for _, c := range changes {
			m, err := s.changeRole(ctx, op, c.UserID, c.Role)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) changeRole(ctx context.Context, op *Op, userID string, role roles.Role) (Member, error) {
	t, err := s.target(ctx, op, userID)
	if err != nil {
		return Member{}, err
	}
	def, err := s.cat.OrgRole(role)
	if err != nil {
		return Member{}, err
	}
	if t.Role == role {
		return t, nil
	}
	if g, ok := s.cat.Guest(); ok && t.Kind == KindGuest && role != g.Name {
		return Member{}, fmt.Errorf("%w: %q is outside the organization's domains and holds only %q", ErrForbidden, clip(userID), g.Name)
	}
	if err := checkGuestGrants(t.Kind, def, t.Grants); err != nil {
		return Member{}, err
	}
	if err := s.mayChange(op, t, role, t.Grants); err != nil {
		return Member{}, err
	}
	if !def.Owner {
		if err := s.keepsOwner(ctx, op, t); err != nil {
			return Member{}, err
		}
	}
	if op.Org.Settings.RequireWorkspace && !def.AllWorkspaces {
		if err := s.needsWorkspace(ctx, op, t, uuid.Nil); err != nil {
			return Member{}, err
		}
	}
	before := t.Role
	t.Role, t.UpdatedAt = role, op.Now
	if err := s.st.UpdateMember(ctx, t); err != nil {
		return Member{}, err
	}
	if err := op.Record(ctx, Record{Action: EventRoleChanged, Target: t.UserID, UserID: t.UserID,
		Before: map[string]string{"role": string(before)}, After: map[string]string{"role": string(role)}}); err != nil {
		return Member{}, err
	}
	return t, s.revokeUnlessMayInvite(ctx, op, t, EventRoleChanged)
}

// needsWorkspace returns ErrWorkspaceRequired when m would be left with no
// workspace once its access to except (uuid.Nil: none) is gone.
func (s *Service) needsWorkspace(ctx context.Context, op *Op, m Member, except uuid.UUID) error {
	acc, err := s.st.MemberAccess(ctx, op.Org.ID, m.UserID)
	if err != nil {
		return err
	}
	for _, a := range acc {
		if a.WorkspaceID != except {
			return nil
		}
	}
	return fmt.Errorf("%w: %q would be left without a workspace", ErrWorkspaceRequired, clip(m.UserID))
}

// SetGrants replaces a member's extra permissions (billing, API access,
// invite…). Every grant must be an org-scope permission of the catalog
// (ErrInvalidRole) that the actor holds itself (ErrForbidden); a guest
// cannot hold the invite grant, since guests never invite (ErrForbidden).
// Taking away the right to invite revokes what the member sent, as
// ChangeRole does.
func (s *Service) SetGrants(ctx context.Context, actor string, org uuid.UUID, userID string, grants roles.PermSet) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventGrantsChanged, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.cat.CheckGrants(grants); err != nil {
			return Record{}, err
		}
		def, err := s.cat.OrgRole(t.Role)
		if err != nil {
			return Record{}, err
		}
		if err := checkGuestGrants(t.Kind, def, grants); err != nil {
			return Record{}, err
		}
		if err := s.mayChange(op, *t, t.Role, grants); err != nil {
			return Record{}, err
		}
		r := Record{Before: map[string]string{"grants": t.Grants.String()}, After: map[string]string{"grants": grants.String()}}
		t.Grants = grants
		return r, nil
	})
}

// SetSSO marks whether a member signs in through the host's SSO. It needs
// the manage-members permission. In an organization whose
// Settings.SSORequired is on, every new member signs in with SSO, and
// turning it off for one member is an exception, audited as such
// (After["exception"] is "true").
func (s *Service) SetSSO(ctx context.Context, actor string, org uuid.UUID, userID string, on bool) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventSSOChanged, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.mayChange(op, *t, t.Role, t.Grants); err != nil {
			return Record{}, err
		}
		r := flagRecord("sso", t.SSO, on)
		if !on && t.SSO && op.Org.Settings.SSORequired {
			r.After["exception"] = "true"
		}
		t.SSO = on
		return r, nil
	})
}

// SetKind reclassifies a member as a co-worker or a guest. Nothing else
// does: a member's kind is set when it joins, from its email and the
// organization's Domains, and changing Domains later reclassifies nobody.
// The actor needs the manage-members permission and the authority of
// Ceiling over the member and over the role it ends with; nobody
// reclassifies themselves (ErrForbidden).
//
// A guest who becomes a co-worker keeps its role (the guest role, usually)
// until ChangeRole gives another, which it may now hold. A co-worker who
// becomes a guest takes the catalog's guest role, when there is one; it is
// refused where guests are (ErrGuestsNotAllowed), for a role no guest may
// hold or a grant no guest can use (ErrForbidden), for the last active
// owner (ErrLastOwner) and for a member the organization would leave
// without a workspace (ErrWorkspaceRequired). An unknown kind is
// ErrInvalidInput. The change is audited as EventKindChanged, with the kind
// and role before and after.
func (s *Service) SetKind(ctx context.Context, actor string, org uuid.UUID, userID string, kind Kind) (Member, error) {
	if kind != KindCoworker && kind != KindGuest {
		return Member{}, fmt.Errorf("%s: %w", EventKindChanged, invalid("unknown member kind %q", clip(string(kind))))
	}
	return s.updateMember(ctx, actor, org, userID, EventKindChanged, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if t.Kind == kind {
			return Record{}, nil
		}
		if t.UserID == op.Actor.UserID {
			return Record{}, fmt.Errorf("%w: members cannot reclassify themselves", ErrForbidden)
		}
		role := t.Role
		if kind == KindGuest {
			if op.Org.Settings.GuestPolicy == GuestsDenied {
				return Record{}, fmt.Errorf("%w: the organization admits no guests", ErrGuestsNotAllowed)
			}
			if g, ok := s.cat.Guest(); ok {
				role = g.Name
			}
		}
		def, err := s.cat.OrgRole(role)
		if err != nil {
			return Record{}, err
		}
		if kind == KindGuest && (def.Owner || def.AllWorkspaces) {
			return Record{}, fmt.Errorf("%w: a guest cannot hold %q", ErrForbidden, role)
		}
		if err := checkGuestGrants(kind, def, t.Grants); err != nil {
			return Record{}, err
		}
		if err := s.mayChange(op, *t, role, t.Grants); err != nil {
			return Record{}, err
		}
		if role != t.Role {
			if err := s.keepsOwner(ctx, op, *t); err != nil {
				return Record{}, err
			}
			if op.Org.Settings.RequireWorkspace && !def.AllWorkspaces {
				if err := s.needsWorkspace(ctx, op, *t, uuid.Nil); err != nil {
					return Record{}, err
				}
			}
		}
		r := Record{Before: map[string]string{"kind": string(t.Kind), "role": string(t.Role)},
			After: map[string]string{"kind": string(kind), "role": string(role)}}
		t.Kind, t.Role = kind, role
		return r, nil
	})
}

// AssignLicence gives a member one of the organization's licences; there
// are never more licensed members than licences (ErrSeatLimit).
func (s *Service) AssignLicence(ctx context.Context, actor string, org uuid.UUID, userID string) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventLicenceAssigned, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.mayChange(op, *t, t.Role, t.Grants); err != nil {
			return Record{}, err
		}
		if !t.Licensed {
			if err := s.checkLicence(ctx, op); err != nil {
				return Record{}, err
			}
		}
		r := flagRecord("licensed", t.Licensed, true)
		t.Licensed = true
		return r, nil
	})
}

// UnassignLicence takes a member's licence back, with AssignLicence's
// permission; a member without one is left as it is.
func (s *Service) UnassignLicence(ctx context.Context, actor string, org uuid.UUID, userID string) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventLicenceUnassigned, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.mayChange(op, *t, t.Role, t.Grants); err != nil {
			return Record{}, err
		}
		r := flagRecord("licensed", t.Licensed, false)
		t.Licensed = false
		return r, nil
	})
}

// Deactivate suspends a member: roles and access are kept, and every check
// denies until Reactivate. The pending invitations and invite links it
// sent are revoked, as with RemoveMember. The last active owner cannot be
// deactivated (ErrLastOwner).
func (s *Service) Deactivate(ctx context.Context, actor string, org uuid.UUID, userID string) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventMemberDeactivated, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.mayRemove(op, *t); err != nil {
			return Record{}, err
		}
		if err := s.keepsOwner(ctx, op, *t); err != nil {
			return Record{}, err
		}
		r := flagRecord("deactivated", t.Deactivated, true)
		t.Deactivated = true
		return r, nil
	})
}

// Reactivate lifts Deactivate. Where deactivated members free their seats
// (Settings.DeactivatedFreeSeat), it needs a free seat (ErrSeatLimit).
func (s *Service) Reactivate(ctx context.Context, actor string, org uuid.UUID, userID string) (Member, error) {
	return s.updateMember(ctx, actor, org, userID, EventMemberReactivated, func(ctx context.Context, op *Op, t *Member) (Record, error) {
		if err := s.mayRemove(op, *t); err != nil {
			return Record{}, err
		}
		if t.Deactivated && op.Org.Settings.DeactivatedFreeSeat {
			if err := op.CheckSeats(ctx, 1); err != nil {
				return Record{}, err
			}
		}
		r := flagRecord("deactivated", t.Deactivated, false)
		t.Deactivated = false
		return r, nil
	})
}

func flagRecord(key string, before, after bool) Record {
	return Record{Before: map[string]string{key: strconv.FormatBool(before)}, After: map[string]string{key: strconv.FormatBool(after)}}
}

// updateMember runs one change of one member that needs the manage-members
// permission: change edits the member and returns the audit record's
// before and after. An unchanged member writes nothing.
func (s *Service) updateMember(ctx context.Context, actor string, org uuid.UUID, userID, action string,
	change func(ctx context.Context, op *Op, t *Member) (Record, error)) (Member, error) {
	var out Member
	err := s.mutateMembers(ctx, actor, org, []string{userID}, action, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageMembers); err != nil {
			return err
		}
		t, err := s.target(ctx, op, userID)
		if err != nil {
			return err
		}
		before := t
		r, err := change(ctx, op, &t)
		if err != nil {
			return err
		}
		out = t
		if t == before {
			return nil
		}
		t.UpdatedAt = op.Now
		out = t
		if err := s.st.UpdateMember(ctx, t); err != nil {
			return err
		}
		r.Action, r.Target, r.UserID = action, t.UserID, t.UserID
		if err := op.Record(ctx, r); err != nil {
			return err
		}
		if t.Role != before.Role || t.Kind != before.Kind || t.Grants != before.Grants || t.Deactivated != before.Deactivated {
			return s.revokeUnlessMayInvite(ctx, op, t, action)
		}
		return nil
	})
	return out, err
}

// TransferOwnership makes toUserID an owner and the acting owner the
// highest non-owner role (admin, in the default catalog), in one step.
// Errors: ErrForbidden (the actor is not an active owner, or toUserID is
// deactivated or a guest), ErrInvalidInput (toUserID is the actor),
// ErrNotFound (toUserID is not a member).
func (s *Service) TransferOwnership(ctx context.Context, actor string, org uuid.UUID, toUserID string) error {
	return s.mutateMembers(ctx, actor, org, []string{toUserID}, EventOwnershipTransfer, func(ctx context.Context, op *Op) error {
		owner := s.cat.Owner()
		if !op.ActorFound || op.Actor.Deactivated || op.Actor.Role != owner.Name {
			return fmt.Errorf("%w: only an active owner transfers ownership", ErrForbidden)
		}
		t, err := s.target(ctx, op, toUserID)
		if err != nil {
			return err
		}
		switch {
		case t.UserID == op.Actor.UserID:
			return invalid("cannot transfer ownership to yourself")
		case t.Deactivated:
			return fmt.Errorf("%w: %q is deactivated", ErrForbidden, clip(t.UserID))
		case t.Kind == KindGuest:
			return fmt.Errorf("%w: a guest cannot become an owner", ErrForbidden)
		}
		next := s.nextBelowOwner()
		fromT, fromA := t.Role, op.Actor.Role
		t.Role, t.UpdatedAt = owner.Name, op.Now
		a := op.Actor
		a.Role, a.UpdatedAt = next, op.Now
		if err := s.st.UpdateMember(ctx, t); err != nil {
			return err
		}
		if err := s.st.UpdateMember(ctx, a); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventOwnershipTransfer, Target: t.UserID, UserID: t.UserID,
			Before: map[string]string{"owner": a.UserID, "new_owner_role": string(fromT), "old_owner_role": string(fromA)},
			After:  map[string]string{"owner": t.UserID, "old_owner_role": string(next)}})
	})
}

// nextBelowOwner is the highest-ranked org role that is neither owner nor
// guest (admin, in the default catalog); the owner role itself when there
// is none.
func (s *Service) nextBelowOwner() roles.Role {
	best := s.cat.Owner()
	found := false
	for _, r := range s.cat.OrgRoles() {
		if !r.Owner && !r.Guest && (!found || r.Rank > best.Rank) {
			best, found = r, true
		}
	}
	return best.Name
}
