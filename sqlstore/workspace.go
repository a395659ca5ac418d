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
		return readRows(ctx, s, c, op, s.q.listWorkspaces, []any{org, after, n + 1}, n+1, newWorkspaceRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(w membership.Workspace) string { return w.ID.String() })
	return out, next, nil
}

func (s *Store) scanWorkspace(ctx context.Context, op string, r scanner) (membership.Workspace, error) {
	return decodeRow(ctx, s, op, r, newWorkspaceRow())
}

// workspaceRow decodes rows of id, org_id, name, created_at.
type workspaceRow struct {
	ws      membership.Workspace
	created stamp
	cols    []any
}

func newWorkspaceRow() *workspaceRow {
	r := new(workspaceRow)
	r.cols = []any{(*uuidCol)(&r.ws.ID), (*uuidCol)(&r.ws.OrgID), &r.ws.Name, &r.created}
	return r
}

func (r *workspaceRow) dest() []any { return r.cols }

func (r *workspaceRow) value() (membership.Workspace, error) {
	if !r.created.ok {
		return membership.Workspace{}, errStamp
	}
	ws := r.ws
	ws.CreatedAt = r.created.t
	return ws, nil
}
