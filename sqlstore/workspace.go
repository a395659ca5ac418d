package sqlstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// CreateWorkspace inserts ws. It returns ErrNotFound when its organization
// does not exist and ErrConflict when the name is taken in the
// organization.
func (s *Store) CreateWorkspace(ctx context.Context, ws membership.Workspace) error {
	if err := checkTimes(ws.CreatedAt); err != nil {
		return err
	}
	const op = "create workspace"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, ws.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.q.insertWorkspace, ws.ID, ws.OrgID, ws.Name, encTime(ws.CreatedAt))
		return s.translate(ctx, op, err)
	})
}

// Workspace returns the workspace id of org, or ErrNotFound.
func (s *Store) Workspace(ctx context.Context, org, id uuid.UUID) (membership.Workspace, error) {
	return reread(ctx, s, func(c querier) (membership.Workspace, error) {
		return s.scanWorkspace(ctx, "workspace", c.QueryRowContext(ctx, s.q.selectWorkspace, org, id))
	})
}

// UpdateWorkspace replaces the name. It returns ErrNotFound when the
// workspace is not in ws.OrgID and ErrConflict when the name is taken.
func (s *Store) UpdateWorkspace(ctx context.Context, ws membership.Workspace) error {
	const op = "update workspace"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.q.updateWorkspace, ws.Name, ws.OrgID, ws.ID)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.q.workspaceExists, ws.OrgID, ws.ID)
	})
}

// DeleteWorkspace deletes the workspace id of org and every access row to
// it. It returns ErrNotFound when the workspace is not in org.
func (s *Store) DeleteWorkspace(ctx context.Context, org, id uuid.UUID) error {
	const op = "delete workspace"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if _, err := c.ExecContext(ctx, s.q.deleteWorkspaceAccess, org, id); err != nil {
			return s.translate(ctx, op, err)
		}
		return s.deleteOne(ctx, c, op, s.q.deleteWorkspace, org, id)
	})
}

// Workspaces lists the workspaces of org, ordered by ID.
func (s *Store) Workspaces(ctx context.Context, org uuid.UUID, page storage.Page) ([]membership.Workspace, string, error) {
	const op = "list workspaces"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	out, err := reread(ctx, s, func(c querier) ([]membership.Workspace, error) {
		return list(ctx, s, c, op, s.q.listWorkspaces, []any{org, after, n + 1}, func(r scanner) (membership.Workspace, error) {
			return s.scanWorkspace(ctx, op, r)
		})
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(w membership.Workspace) string { return w.ID.String() })
	return out, next, nil
}

func (s *Store) scanWorkspace(ctx context.Context, op string, r scanner) (membership.Workspace, error) {
	var (
		ws  membership.Workspace
		cat string
		err error
	)
	if err = r.Scan(&ws.ID, &ws.OrgID, &ws.Name, &cat); err != nil {
		return membership.Workspace{}, s.translate(ctx, op, err)
	}
	if ws.CreatedAt, err = decTime(cat); err != nil {
		return membership.Workspace{}, err
	}
	return ws, nil
}
