package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// CreateWorkspace creates a workspace; its name is unique in the
// organization (ErrConflict). The actor needs the manage-workspaces
// permission. Owners and admins are its admins at once, with no access row.
func (s *Service) CreateWorkspace(ctx context.Context, actor string, org uuid.UUID, name string) (Workspace, error) {
	var out Workspace
	err := s.mutate(ctx, nil, actor, org, EventWorkspaceCreated, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageWorkspaces); err != nil {
			return err
		}
		n, err := cleanName("workspace name", name)
		if err != nil {
			return err
		}
		op.Target(n)
		out = Workspace{ID: newID(), OrgID: org, Name: n, CreatedAt: op.Now}
		if err := s.st.CreateWorkspace(ctx, out); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventWorkspaceCreated, Target: out.ID.String(), WorkspaceID: out.ID,
			After: map[string]string{"name": n}})
	})
	return out, err
}

// RenameWorkspace renames a workspace (ErrConflict when the name is taken).
func (s *Service) RenameWorkspace(ctx context.Context, actor string, org, ws uuid.UUID, name string) (Workspace, error) {
	var out Workspace
	err := s.mutate(ctx, nil, actor, org, EventWorkspaceRenamed, func(ctx context.Context, op *Op) error {
		w, err := s.managedWorkspace(ctx, op, ws)
		if err != nil {
			return err
		}
		n, err := cleanName("workspace name", name)
		if err != nil {
			return err
		}
		before := w.Name
		w.Name = n
		out = w
		if before == n {
			return nil
		}
		if err := s.st.UpdateWorkspace(ctx, w); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventWorkspaceRenamed, Target: ws.String(), WorkspaceID: ws,
			Before: map[string]string{"name": before}, After: map[string]string{"name": n}})
	})
	return out, err
}

// DeleteWorkspace deletes a workspace and all access to it. Where the
// organization requires a workspace per member, it refuses to leave anyone
// without one (ErrWorkspaceRequired). The host's content in it is the
// host's to handle, on the workspace.deleted event.
func (s *Service) DeleteWorkspace(ctx context.Context, actor string, org, ws uuid.UUID) error {
	return s.mutate(ctx, nil, actor, org, EventWorkspaceDeleted, func(ctx context.Context, op *Op) error {
		w, err := s.managedWorkspace(ctx, op, ws)
		if err != nil {
			return err
		}
		if op.Org.Settings.RequireWorkspace {
			if err := s.eachAccess(ctx, org, ws, func(a WorkspaceAccess) error {
				m, err := s.st.Member(ctx, org, a.UserID)
				if err != nil {
					return err
				}
				if def, err := s.cat.OrgRole(m.Role); err == nil && def.AllWorkspaces {
					return nil
				}
				return s.needsWorkspace(ctx, op, m, ws)
			}); err != nil {
				return err
			}
		}
		if err := s.st.DeleteWorkspace(ctx, org, ws); err != nil {
			return err
		}
		return op.Record(ctx, Record{Action: EventWorkspaceDeleted, Target: ws.String(), WorkspaceID: ws,
			Before: map[string]string{"name": w.Name}})
	})
}

// managedWorkspace checks the actor may manage workspaces and loads ws.
func (s *Service) managedWorkspace(ctx context.Context, op *Op, ws uuid.UUID) (Workspace, error) {
	op.Target(ws.String())
	if err := op.Require(roles.PermManageWorkspaces); err != nil {
		return Workspace{}, err
	}
	if err := checkID("workspace ID", ws); err != nil {
		return Workspace{}, err
	}
	w, err := s.st.Workspace(ctx, op.Org.ID, ws)
	if err != nil {
		return Workspace{}, fmt.Errorf("workspace %s: %w", ws, err)
	}
	return w, nil
}

// Workspace returns a workspace the actor can reach: any workspace for
// owners and admins, otherwise one it has access to (ErrNotFound if not).
func (s *Service) Workspace(ctx context.Context, actor string, org, ws uuid.UUID) (Workspace, error) {
	m, err := s.reader(ctx, actor, org)
	if err != nil {
		return Workspace{}, err
	}
	if err := checkID("workspace ID", ws); err != nil {
		return Workspace{}, err
	}
	a, err := s.st.CheckAccess(ctx, org, m.UserID, ws)
	if err != nil {
		return Workspace{}, err
	}
	if !a.WorkspaceFound || s.cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole) == 0 {
		return Workspace{}, fmt.Errorf("workspace %s: %w", ws, ErrNotFound)
	}
	return s.st.Workspace(ctx, org, ws)
}

// Workspaces lists the workspaces the actor can reach, ordered by ID: all
// of them for owners and admins, otherwise those it has access to.
func (s *Service) Workspaces(ctx context.Context, actor string, org uuid.UUID, page storage.Page) ([]Workspace, string, error) {
	m, err := s.reader(ctx, actor, org)
	if err != nil {
		return nil, "", err
	}
	size, err := page.Size()
	if err != nil {
		return nil, "", err
	}
	if def, err := s.cat.OrgRole(m.Role); err == nil && def.AllWorkspaces {
		return s.st.Workspaces(ctx, org, page)
	}
	after, err := page.Key()
	if err != nil {
		return nil, "", err
	}
	acc, err := s.st.MemberAccess(ctx, org, m.UserID)
	if err != nil {
		return nil, "", err
	}
	var out []Workspace
	for _, a := range acc {
		if after != "" && a.WorkspaceID.String() <= after {
			continue
		}
		w, err := s.st.Workspace(ctx, org, a.WorkspaceID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, w)
		if len(out) == size {
			return out, storage.Cursor(w.ID.String()), nil
		}
	}
	return out, "", nil
}
