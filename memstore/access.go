package memstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// Each access row is kept twice, by workspace and by user, so that a
// workspace's list and a member's removal both cost O(their rows).

// SetAccess gives a.UserID role a.Role in workspace a.WorkspaceID, replacing
// any role it had there. It returns ErrNotFound when the workspace or the
// member is not in a.OrgID.
func (s *Store) SetAccess(ctx context.Context, a membership.WorkspaceAccess) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(a.OrgID)
		switch {
		case o == nil:
			return orgNotFound(a.OrgID)
		case o.workspace(a.WorkspaceID) == nil:
			return wsNotFound(a.WorkspaceID)
		case o.member(a.UserID) == nil:
			return memberNotFound(a.UserID)
		}
		r := accessRow{ws: a.WorkspaceID, user: a.UserID, a: &a}
		put(t, o.byWs, r)
		put(t, o.byUser, r)
		t.touchMember(a.OrgID, a.UserID)
		return nil
	})
}

// DeleteAccess removes userID's access to workspace ws of org. It returns
// ErrNotFound when there is none.
func (s *Store) DeleteAccess(ctx context.Context, org, ws uuid.UUID, userID string) error {
	return s.write(ctx, func(t *tx) error {
		r := accessRow{ws: ws, user: userID}
		o := t.st.org(org)
		if o == nil || !o.byWs.Has(r) {
			return fmt.Errorf("memstore: access of %q to workspace %s: %w", userID, ws, storage.ErrNotFound)
		}
		del(t, o.byWs, r)
		del(t, o.byUser, r)
		t.touchMember(org, userID)
		return nil
	})
}

// MemberAccess lists userID's workspace access in org, ordered by workspace
// ID. A non-member has none.
func (s *Store) MemberAccess(ctx context.Context, org uuid.UUID, userID string) ([]membership.WorkspaceAccess, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, nil
	}
	rows, _ := collect(o.byUser, accessRow{user: userID}, func(r accessRow) bool { return r.user == userID }, nil, -1)
	out := make([]membership.WorkspaceAccess, len(rows))
	for i, r := range rows {
		out[i] = *r.a
	}
	return out, nil
}

// WorkspaceAccessList lists the access rows of workspace ws of org, ordered
// by user ID. A workspace that does not exist has none.
func (s *Store) WorkspaceAccessList(ctx context.Context, org, ws uuid.UUID, page storage.Page) ([]membership.WorkspaceAccess, string, error) {
	size, from, err := stringPage("workspace access", page)
	if err != nil {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, "", nil
	}
	rows, more := collect(o.byWs, accessRow{ws: ws, user: from}, func(r accessRow) bool { return r.ws == ws }, nil, size)
	out := make([]membership.WorkspaceAccess, len(rows))
	for i, r := range rows {
		out[i] = *r.a
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, stringCursor(rows[len(rows)-1].user, more), nil
}

// AccessOf lists the workspace access of the members userIDs of org, each
// with its workspace's name, ordered by user ID, then workspace ID.
func (s *Store) AccessOf(ctx context.Context, org uuid.UUID, userIDs []string) ([]membership.NamedAccess, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, nil
	}
	var out []membership.NamedAccess
	for _, u := range distinct(userIDs) {
		rows, _ := collect(o.byUser, accessRow{user: u}, func(r accessRow) bool { return r.user == u }, nil, -1)
		for _, r := range rows {
			na := membership.NamedAccess{WorkspaceAccess: *r.a}
			if w := o.workspace(r.a.WorkspaceID); w != nil {
				na.WorkspaceName = w.Name
			}
			out = append(out, na)
		}
	}
	return out, nil
}
