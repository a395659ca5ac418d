package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// SetAccess gives a.UserID role a.Role in workspace a.WorkspaceID, replacing
// any role it had there. It returns ErrNotFound when the workspace or the
// member is not in a.OrgID.
func (s *Store) SetAccess(ctx context.Context, a membership.WorkspaceAccess) error {
	if err := checkTimes(a.GrantedAt); err != nil {
		return err
	}
	const op = "set access"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		var n int
		if err := c.QueryRowContext(ctx, s.q.accessTargets, a.OrgID, a.WorkspaceID, a.UserID).Scan(&n); err != nil {
			return s.translate(ctx, op, err)
		}
		if n == 0 {
			return notFound(op)
		}
		_, err := c.ExecContext(ctx, s.q.upsertAccess, a.OrgID, a.WorkspaceID, a.UserID, string(a.Role),
			a.GrantedBy, encTime(a.GrantedAt))
		return s.translate(ctx, op, err)
	})
}

// DeleteAccess removes userID's access to workspace ws of org. It returns
// ErrNotFound when there is none.
func (s *Store) DeleteAccess(ctx context.Context, org, ws uuid.UUID, userID string) error {
	const op = "delete access"
	if !validText(userID) {
		return notFound(op)
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		return s.deleteOne(ctx, c, op, s.q.deleteAccess, org, ws, userID)
	})
}

// MemberAccess lists userID's workspace access in org, ordered by workspace
// ID.
func (s *Store) MemberAccess(ctx context.Context, org uuid.UUID, userID string) ([]membership.WorkspaceAccess, error) {
	const op = "member access"
	if !validText(userID) {
		return nil, nil
	}
	return reread(ctx, s, func(c querier) ([]membership.WorkspaceAccess, error) {
		return readRows(ctx, s, c, op, s.q.memberAccess, []any{org, userID}, 0, newAccessRow())
	})
}

// WorkspaceAccessList lists the access rows of workspace ws of org, ordered
// by user ID.
func (s *Store) WorkspaceAccessList(ctx context.Context, org, ws uuid.UUID, page storage.Page) ([]membership.WorkspaceAccess, string, error) {
	const op = "workspace access"
	after, n, err := stringKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	out, err := reread(ctx, s, func(c querier) ([]membership.WorkspaceAccess, error) {
		return readRows(ctx, s, c, op, s.q.workspaceAccess, []any{ws, org, after, n + 1}, n+1, newAccessRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(a membership.WorkspaceAccess) string { return a.UserID })
	return out, next, nil
}

// accessRow decodes rows of org_id, workspace_id, user_id, role,
// granted_by, granted_at.
type accessRow struct {
	a       membership.WorkspaceAccess
	granted stamp
	arena   rowArena
	cols    []any
}

func newAccessRow() *accessRow {
	r := new(accessRow)
	a := &r.a
	r.cols = []any{(*uuidCol)(&a.OrgID), (*uuidCol)(&a.WorkspaceID), r.arena.text(&a.UserID), (*nameCol)(&a.Role),
		r.arena.text(&a.GrantedBy), &r.granted}
	return r
}

func (r *accessRow) dest() []any { return r.cols }

func (r *accessRow) value() (membership.WorkspaceAccess, error) {
	r.arena.finish()
	if !r.granted.ok {
		return membership.WorkspaceAccess{}, errStamp
	}
	a := r.a
	a.GrantedAt = r.granted.t
	return a, nil
}

// namedAccessRow decodes the rows of accessRow followed by the workspace's
// name.
type namedAccessRow struct {
	accessRow
	name string
}

func newNamedAccessRow() *namedAccessRow {
	r := new(namedAccessRow)
	a := &r.a
	r.cols = []any{(*uuidCol)(&a.OrgID), (*uuidCol)(&a.WorkspaceID), r.arena.text(&a.UserID), (*nameCol)(&a.Role),
		r.arena.text(&a.GrantedBy), &r.granted, r.arena.text(&r.name)}
	return r
}

func (r *namedAccessRow) value() (membership.NamedAccess, error) {
	a, err := r.accessRow.value()
	return membership.NamedAccess{WorkspaceAccess: a, WorkspaceName: r.name}, err
}

// CheckAccess returns, in one indexed query, what a permission check needs
// about userID in workspace ws of org (ws may be uuid.Nil for org-scope
// checks): the member row by its primary key, with its access row to ws
// and whether ws is in org, each by its own key. It returns ErrNotFound
// when userID is not a member of org.
func (s *Store) CheckAccess(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (membership.Access, error) {
	if !validText(userID) {
		return membership.Access{}, notFound("check access")
	}
	return reread(ctx, s, func(c querier) (membership.Access, error) {
		var (
			a       membership.Access
			role    string
			grants  int64
			wsRole  sql.NullString
			wsFound int
			row     *sql.Row
		)
		if stmt := s.checkStmt(ctx); stmt != nil {
			row = stmt.QueryRowContext(ctx, ws, ws, org, userID)
		} else {
			row = c.QueryRowContext(ctx, s.q.checkAccess, ws, ws, org, userID)
		}
		if err := row.Scan(&role, &grants, &a.Deactivated, &wsRole, &wsFound); err != nil {
			return membership.Access{}, s.translate(ctx, "check access", err)
		}
		a.Role, a.Grants = roles.Role(role), decPerms(grants)
		a.WorkspaceRole, a.WorkspaceFound = roles.Role(wsRole.String), wsFound > 0
		return a, nil
	})
}

// checkStmt returns the prepared statement of CheckAccess, preparing it on
// first use, or nil inside a transaction (whose connection it is not
// prepared on) or when preparing failed (the next call tries again).
func (s *Store) checkStmt(ctx context.Context) *sql.Stmt {
	if s.InTransaction(ctx) {
		return nil
	}
	if st := s.check.Load(); st != nil {
		return st
	}
	s.checkMu.Lock()
	defer s.checkMu.Unlock()
	if st := s.check.Load(); st != nil {
		return st
	}
	st, err := s.db.PrepareContext(ctx, s.q.checkAccess)
	if err != nil {
		return nil
	}
	s.check.Store(st)
	return st
}

// AccessOf lists the workspace access of the members userIDs of org, each
// with its workspace's name, ordered by user ID, then workspace ID, in one
// query.
func (s *Store) AccessOf(ctx context.Context, org uuid.UUID, userIDs []string) ([]membership.NamedAccess, error) {
	const op = "access of members"
	args, in := userIDArgs(org, userIDs)
	if in == "" {
		return nil, nil
	}
	q := s.sql(`SELECT a.org_id, a.workspace_id, a.user_id, a.role, a.granted_by, a.granted_at, w.name
FROM roster_workspace_access a JOIN roster_workspaces w ON w.org_id = a.org_id AND w.id = a.workspace_id
WHERE a.org_id = ? AND a.user_id IN (` + in + `) ORDER BY a.user_id, a.workspace_id`)
	return reread(ctx, s, func(c querier) ([]membership.NamedAccess, error) {
		return readRows(ctx, s, c, op, q, args, len(args)-1, newNamedAccessRow())
	})
}

// withColumns scans a row of a scan function's columns followed by more,
// into extra.
type withColumns struct {
	r     scanner
	extra []any
}

// Scan scans the first columns into dest and the rest into c.extra.
func (c withColumns) Scan(dest ...any) error { return c.r.Scan(append(dest, c.extra...)...) }
