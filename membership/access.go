package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// SetWorkspaceAccess gives a member a role in a workspace, or changes it.
// The actor needs the manage-workspaces or manage-members permission, or to
// manage the workspace's people; it may give only a workspace role it
// out-ranks and out-holds there, to a member ranked no higher than itself.
// Errors: ErrInvalidRole (not a workspace role of the catalog).
func (s *Service) SetWorkspaceAccess(ctx context.Context, actor string, org, ws uuid.UUID, userID string, role roles.Role) (WorkspaceAccess, error) {
	var out WorkspaceAccess
	err := s.mutateMembers(ctx, actor, org, []string{userID}, EventAccessChanged, func(ctx context.Context, op *Op) error {
		def, err := s.cat.WorkspaceRole(role)
		if err != nil {
			return err
		}
		t, cur, actorWS, err := s.accessChange(ctx, op, ws, userID)
		if err != nil {
			return err
		}
		to := roles.Standing{Rank: def.Rank, Perms: def.Perms}
		var from *roles.Standing
		if cur != "" {
			f, err := s.cat.WorkspaceRole(cur)
			if err == nil {
				from = &roles.Standing{Rank: f.Rank, Perms: f.Perms}
			}
		}
		if err := roles.Ceiling(actorWS, from, &to); err != nil {
			return err
		}
		out = WorkspaceAccess{OrgID: org, WorkspaceID: ws, UserID: t.UserID, Role: role, GrantedBy: op.Actor.UserID, GrantedAt: op.Now}
		if cur == role {
			return nil
		}
		if err := s.st.SetAccess(ctx, out); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventAccessChanged, Target: t.UserID, UserID: t.UserID, WorkspaceID: ws,
			Before: map[string]string{"workspace_role": string(cur)}, After: map[string]string{"workspace_role": string(role)}})
	})
	return out, err
}

// RemoveWorkspaceAccess takes a member's access to a workspace away, with
// the authority SetWorkspaceAccess needs. It returns ErrNotFound when the
// member has no access there and ErrWorkspaceRequired when it is the
// member's last workspace in an organization that requires one.
func (s *Service) RemoveWorkspaceAccess(ctx context.Context, actor string, org, ws uuid.UUID, userID string) error {
	return s.mutateMembers(ctx, actor, org, []string{userID}, EventAccessRemoved, func(ctx context.Context, op *Op) error {
		t, cur, actorWS, err := s.accessChange(ctx, op, ws, userID)
		if err != nil {
			return err
		}
		if cur == "" {
			return fmt.Errorf("%w: %q has no access to workspace %s", ErrNotFound, clip(userID), ws)
		}
		if f, err := s.cat.WorkspaceRole(cur); err == nil {
			if err := roles.Ceiling(actorWS, &roles.Standing{Rank: f.Rank, Perms: f.Perms}, nil); err != nil {
				return err
			}
		}
		if def, err := s.cat.OrgRole(t.Role); op.Org.Settings.RequireWorkspace && (err != nil || !def.AllWorkspaces) {
			if err := s.needsWorkspace(ctx, op, t, ws); err != nil {
				return err
			}
		}
		if err := s.st.DeleteAccess(ctx, org, ws, userID); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventAccessRemoved, Target: t.UserID, UserID: t.UserID, WorkspaceID: ws,
			Before: map[string]string{"workspace_role": string(cur)}})
	})
}

// accessChange loads what a change of userID's access to ws needs: the
// member, its current role there, and the actor's standing there. It checks
// the actor's authority over the workspace and over the member.
func (s *Service) accessChange(ctx context.Context, op *Op, ws uuid.UUID, userID string) (Member, roles.Role, roles.Standing, error) {
	var none roles.Standing
	if err := checkID("workspace ID", ws); err != nil {
		return Member{}, "", none, err
	}
	if !op.ActorFound || op.Actor.Deactivated {
		return Member{}, "", none, fmt.Errorf("%w: %q is not an active member", ErrForbidden, clip(op.Actor.UserID))
	}
	if _, err := s.st.Workspace(ctx, op.Org.ID, ws); err != nil {
		return Member{}, "", none, fmt.Errorf("workspace %s: %w", ws, err)
	}
	actorWS, err := s.workspaceStanding(ctx, op.Actor, ws)
	if err != nil {
		return Member{}, "", none, err
	}
	orgPerms := s.cat.OrgPerms(op.Actor.Role, op.Actor.Grants)
	if !orgPerms.Has(roles.PermManageWorkspaces) && !orgPerms.Has(roles.PermManageMembers) && !actorWS.Perms.Has(roles.PermManagePeople) {
		return Member{}, "", none, fmt.Errorf("%w: %q may not manage people in workspace %s", ErrForbidden, clip(op.Actor.UserID), ws)
	}
	t, err := s.target(ctx, op, userID)
	if err != nil {
		return Member{}, "", none, err
	}
	if t.UserID != op.Actor.UserID {
		if err := s.mayRemove(op, t); err != nil {
			return Member{}, "", none, err
		}
	}
	a, err := s.st.CheckAccess(ctx, op.Org.ID, userID, ws)
	if err != nil {
		return Member{}, "", none, err
	}
	return t, a.WorkspaceRole, actorWS, nil
}
