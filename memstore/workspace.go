package memstore

import (
	"context"
	"fmt"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// CreateWorkspace inserts ws. It returns ErrNotFound when its organization
// does not exist and ErrConflict when the ID or the name is taken in the
// organization.
func (s *Store) CreateWorkspace(ctx context.Context, ws membership.Workspace) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(ws.OrgID)
		switch {
		case o == nil:
			return orgNotFound(ws.OrgID)
		case o.workspace(ws.ID) != nil:
			return fmt.Errorf("memstore: workspace %s: %w", ws.ID, storage.ErrConflict)
		case o.wsNames.Has(nameRow{name: ws.Name}):
			return fmt.Errorf("memstore: workspace name %q: %w", ws.Name, storage.ErrConflict)
		}
		put(t, o.workspaces, wsRow{id: ws.ID, w: &ws})
		put(t, o.wsNames, nameRow{name: ws.Name, id: ws.ID})
		t.touchWorkspaces(ws.OrgID)
		return nil
	})
}

// Workspace returns the workspace id of org, or ErrNotFound.
func (s *Store) Workspace(ctx context.Context, org, id uuid.UUID) (membership.Workspace, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if w := o.workspace(id); w != nil {
			return *w, nil
		}
	}
	return membership.Workspace{}, wsNotFound(id)
}

// UpdateWorkspace replaces the name. It returns ErrNotFound when the
// workspace is not in ws.OrgID and ErrConflict when the name is taken.
func (s *Store) UpdateWorkspace(ctx context.Context, ws membership.Workspace) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(ws.OrgID)
		if o == nil || o.workspace(ws.ID) == nil {
			return wsNotFound(ws.ID)
		}
		if r, ok := o.wsNames.Get(nameRow{name: ws.Name}); ok && r.id != ws.ID {
			return fmt.Errorf("memstore: workspace name %q: %w", ws.Name, storage.ErrConflict)
		}
		w := *o.workspace(ws.ID)
		del(t, o.wsNames, nameRow{name: w.Name})
		put(t, o.wsNames, nameRow{name: ws.Name, id: ws.ID})
		w.Name = ws.Name
		put(t, o.workspaces, wsRow{id: ws.ID, w: &w})
		return nil
	})
}

// DeleteWorkspace deletes the workspace id of org and every access row to
// it, in O(rows) rather than O(organization). It returns ErrNotFound when
// the workspace is not in org.
func (s *Store) DeleteWorkspace(ctx context.Context, org, id uuid.UUID) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil || o.workspace(id) == nil {
			return wsNotFound(id)
		}
		w := o.workspace(id)
		del(t, o.workspaces, wsRow{id: id})
		del(t, o.wsNames, nameRow{name: w.Name})
		rows, _ := collect(o.byWs, accessRow{ws: id}, func(r accessRow) bool { return r.ws == id }, nil, -1)
		for _, r := range rows {
			del(t, o.byWs, r)
			del(t, o.byUser, r)
			t.touchMember(org, r.user)
		}
		t.touchWorkspaces(org)
		return nil
	})
}

// Workspaces lists the workspaces of org, ordered by ID. An organization
// that does not exist has none.
func (s *Store) Workspaces(ctx context.Context, org uuid.UUID, page storage.Page) ([]membership.Workspace, string, error) {
	return idList(s, ctx, "workspaces", org, page,
		func(o *orgData) *btree.BTreeG[wsRow] { return o.workspaces },
		func(id uuid.UUID) wsRow { return wsRow{id: id} },
		func(r wsRow) uuid.UUID { return r.id },
		nil, func(r wsRow) membership.Workspace { return *r.w })
}

func wsNotFound(id uuid.UUID) error {
	return fmt.Errorf("memstore: workspace %s: %w", id, storage.ErrNotFound)
}
