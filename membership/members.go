package membership

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/hostdata"
	"github.com/rosterkit/roster/roles"
)

// AddMember adds someone to an organization directly, without an
// invitation: for host provisioning such as SSO just-in-time accounts. The
// actor needs the manage-members permission and the same authority as for
// an invitation (see Op.Resolve). A pending invitation of the organization
// to the member's address is revoked in the same transaction (audited as
// invitation.revoked, reason member.added): the member holds the seat it
// held. It returns ErrConflict when the user is already a member and
// ErrSeatLimit when no seat or licence is free.
func (s *Service) AddMember(ctx context.Context, actor string, org uuid.UUID, nm NewMember) (Member, error) {
	var out Member
	err := s.mutateMembers(ctx, actor, org, []string{nm.UserID}, EventMemberAdded, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageMembers); err != nil {
			return err
		}
		// A pending invitation to the same address would hold a second
		// seat beside the new member, and could still be accepted: it is
		// revoked first (undone with the rest if the add fails).
		if err := s.revokeInvitationTo(ctx, op, nm.Email, EventMemberAdded); err != nil {
			return err
		}
		m, err := s.admit(ctx, op, op.Actor, nm)
		out = m
		return err
	})
	return out, err
}

// Admit adds a member in op's transaction on the authority of inviter,
// checked as it stands now: inviter must still be allowed to invite
// (Extension.MayInvite) and to give everything in nm (Resolve). The invite
// package calls it when an invitation or link is accepted, so an inviter
// who lost authority since no longer grants it. It needs a free seat (see
// CheckSeats): an invitation being accepted must be marked accepted
// first, so that the seat it holds is free for its invitee.
func (op *Op) Admit(ctx context.Context, inviter string, nm NewMember) (Member, error) {
	if err := op.ready(ctx); err != nil {
		return Member{}, err
	}
	s := op.s
	by, err := s.st.Member(ctx, op.Org.ID, inviter)
	if err != nil {
		if isNotFound(err) {
			return Member{}, fmt.Errorf("%w: inviter %q is no longer a member", ErrForbidden, clip(inviter))
		}
		return Member{}, err
	}
	if err := s.mayInvite(op.Org, by); err != nil {
		return Member{}, err
	}
	return s.admit(ctx, op, by, nm)
}

func (s *Service) admit(ctx context.Context, op *Op, by Member, nm NewMember) (Member, error) {
	if err := checkUserID("user ID", nm.UserID); err != nil {
		return Member{}, err
	}
	if err := checkEmail(nm.Email, true); err != nil {
		return Member{}, err
	}
	name, err := optionalName("member name", nm.Name)
	if err != nil {
		return Member{}, err
	}
	if err := hostdata.Check(nm.Data); err != nil {
		return Member{}, fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	a, kind, err := s.resolve(ctx, op, by, Assignment{Email: nm.Email, Role: nm.Role, Grants: nm.Grants, Workspaces: nm.Workspaces})
	if err != nil {
		return Member{}, err
	}
	if err := s.notMember(ctx, op, nm.UserID); err != nil {
		return Member{}, err
	}
	if err := op.CheckSeats(ctx, 1); err != nil {
		return Member{}, err
	}
	if nm.Licensed {
		if err := s.checkLicence(ctx, op); err != nil {
			return Member{}, err
		}
	}
	m := Member{OrgID: op.Org.ID, UserID: nm.UserID, Email: nm.Email, Name: name, Role: a.Role,
		Kind: kind, Grants: a.Grants, Licensed: nm.Licensed, SSO: nm.SSO || op.Org.Settings.SSORequired, InvitedBy: by.UserID,
		JoinedAt: op.Now, UpdatedAt: op.Now}
	if err := s.st.InsertMember(ctx, m); err != nil {
		return Member{}, err
	}
	for _, ws := range sortedWorkspaces(a.Workspaces) {
		acc := WorkspaceAccess{OrgID: op.Org.ID, WorkspaceID: ws, UserID: m.UserID,
			Role: a.Workspaces[ws], GrantedBy: by.UserID, GrantedAt: op.Now}
		if err := s.st.SetAccess(ctx, acc); err != nil {
			return Member{}, err
		}
	}
	// The actor is who acted: the manager who added the member, or the
	// person who accepted an invitation or joined by link (the inviter is
	// in invited_by).
	return m, op.RecordAs(ctx, op.actor, Record{Action: EventMemberAdded, Target: m.UserID, UserID: m.UserID,
		After: map[string]string{"role": string(m.Role), "kind": string(m.Kind), "grants": m.Grants.String(),
			"workspaces": strconv.Itoa(len(a.Workspaces)), "invited_by": by.UserID}, Data: nm.Data})
}

func sortedWorkspaces(m map[uuid.UUID]roles.Role) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// checkLicence returns ErrSeatLimit when every licence of op's organization
// is assigned.
func (s *Service) checkLicence(ctx context.Context, op *Op) error {
	if op.Org.Settings.Licences == 0 {
		return nil
	}
	n, err := s.st.CountMembers(ctx, op.Org.ID, MemberFilter{LicensedOnly: true})
	if err != nil {
		return err
	}
	if n >= op.Org.Settings.Licences {
		return &SeatLimitError{Licences: true, Members: n, Limit: op.Org.Settings.Licences, Asked: 1}
	}
	return nil
}

// target loads the member an operation acts on; its ID was checked by
// mutateMembers before the operation began.
func (s *Service) target(ctx context.Context, op *Op, userID string) (Member, error) {
	op.Target(userID)
	m, err := s.st.Member(ctx, op.Org.ID, userID)
	if err != nil {
		return Member{}, fmt.Errorf("member %q: %w", clip(userID), err)
	}
	return m, nil
}

// mayChange applies the ceiling to the actor moving target to role and
// grants.
func (s *Service) mayChange(op *Op, target Member, role roles.Role, grants roles.PermSet) error {
	actor, err := s.cat.OrgStanding(op.Actor.Role, op.Actor.Grants)
	if err != nil {
		return err
	}
	from, err := s.cat.OrgStanding(target.Role, target.Grants)
	if err != nil {
		return err
	}
	to, err := s.cat.OrgStanding(role, grants)
	if err != nil {
		return err
	}
	if target.UserID == op.Actor.UserID && from == to {
		return nil
	}
	return roles.Ceiling(actor, &from, &to)
}

// mayRemove applies the ceiling to the actor removing target.
func (s *Service) mayRemove(op *Op, target Member) error {
	actor, err := s.cat.OrgStanding(op.Actor.Role, op.Actor.Grants)
	if err != nil {
		return err
	}
	from, err := s.cat.OrgStanding(target.Role, target.Grants)
	if err != nil {
		return err
	}
	return roles.Ceiling(actor, &from, nil)
}

// keepsOwner returns ErrLastOwner when target is the organization's only
// active owner, so that it may not be removed, demoted or deactivated.
func (s *Service) keepsOwner(ctx context.Context, op *Op, target Member) error {
	if target.Deactivated || target.Role != s.cat.Owner().Name {
		return nil
	}
	n, err := s.activeOwners(ctx, op.Org.ID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return fmt.Errorf("%w: %q is the only active owner; transfer ownership first", ErrLastOwner, clip(target.UserID))
	}
	return nil
}

func (s *Service) activeOwners(ctx context.Context, org uuid.UUID) (int, error) {
	n := 0
	err := s.eachMember(ctx, org, MemberFilter{Role: s.cat.Owner().Name}, func(m Member) error {
		if !m.Deactivated {
			n++
		}
		return nil
	})
	return n, err
}

// notMember returns ErrConflict when userID is already a member of op's
// organization. When userID is op's actor (an invitee accepting), op
// already holds the answer, read under the organization's lock; the
// store's uniqueness remains the last line of defence.
func (s *Service) notMember(ctx context.Context, op *Op, userID string) error {
	err := ErrNotFound
	switch {
	case op.actor != userID:
		_, err = s.st.Member(ctx, op.Org.ID, userID)
	case op.ActorFound:
		err = nil
	}
	switch {
	case err == nil:
		return fmt.Errorf("%w: %q is already a member", ErrConflict, clip(userID))
	case isNotFound(err):
		return nil
	}
	return err
}
