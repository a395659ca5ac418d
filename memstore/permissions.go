package memstore

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

var _ membership.PermissionIndex = (*Store)(nil)

// IndexPermissions makes every check entry keep its member's permission
// sets under cat, computed at commit like the rest of the entry, so that
// CheckPermissions is one look-up in the check index and a bit test. The
// first catalog asked for is kept for the Store's life: IndexPermissions
// reports false for a catalog whose roles differ from it, and for a
// catalog that is not usable. The first call rebuilds every entry while
// holding the writer lock, so it waits for a running transaction to end.
func (s *Store) IndexPermissions(cat *roles.Catalog) bool {
	if cat.Err() != nil {
		return false
	}
	if c := s.index.cat.Load(); c != nil {
		return sameRoles(c, cat)
	}
	t, err := s.begin(context.Background())
	if err != nil {
		return false
	}
	defer s.end(t)
	if c := s.index.building; c != nil {
		return sameRoles(c, cat)
	}
	s.index.building = cat
	s.st.orgs.Ascend(func(o orgRow) bool {
		o.o.members.Ascend(func(m memberRow) bool {
			s.index.members.put(s.index.entryOf(s.st, memberKey{org: o.id, user: m.user}))
			return true
		})
		return true
	})
	s.index.cat.Store(cat)
	return true
}

// sameRoles reports whether a and b define the same roles in the same
// order, so that every permission set computed under one holds under the
// other.
func sameRoles(a, b *roles.Catalog) bool {
	return a == b || slices.Equal(a.OrgRoles(), b.OrgRoles()) && slices.Equal(a.WorkspaceRoles(), b.WorkspaceRoles())
}

// CheckPermissions returns the permissions userID holds in workspace ws of
// org, or in org itself when ws is uuid.Nil, under the catalog
// IndexPermissions accepted; the empty set for a non-member, a deactivated
// member, a workspace not in org, and before IndexPermissions. Outside a
// transaction it takes no lock and allocates nothing; inside one it answers
// from the transaction's own changes. It never fails.
func (s *Store) CheckPermissions(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (roles.PermSet, error) {
	if ws != uuid.Nil && s.active.Load() == nil {
		return s.index.members.perms(org, userID, ws), nil
	}
	if s.active.Load() != nil {
		if p, ok := s.permissionsJoined(ctx, org, userID, ws); ok {
			return p, nil
		}
	}
	if ws != uuid.Nil {
		return s.index.members.perms(org, userID, ws), nil
	}
	if e := s.index.members.get(org, userID); e != nil {
		return e.orgPerms, nil
	}
	return 0, nil
}

// permissionsJoined is CheckPermissions in the transaction ctx carries; ok
// is false when it carries none.
func (s *Store) permissionsJoined(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (p roles.PermSet, ok bool) {
	t := s.enter(ctx)
	if t == nil {
		return 0, false
	}
	defer t.mu.Unlock()
	cat := s.index.cat.Load()
	a, err := checkState(t.st, org, userID, ws)
	switch {
	case cat == nil, err != nil, a.Deactivated:
		return 0, true
	case ws == uuid.Nil:
		return cat.OrgPerms(a.Role, a.Grants), true
	case !a.WorkspaceFound:
		return 0, true
	}
	return cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole), true
}
