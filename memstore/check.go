package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// checkIndex answers CheckAccess without a lock and without allocating: two
// sync.Maps (lock-free hash tries) of immutable entries, rebuilt for the
// members and workspaces a transaction touched when it commits. So a check
// never sees an uncommitted change, and a removed member is denied as soon
// as the removal's Transact returns.
type checkIndex struct {
	members    sync.Map // memberKey -> *checkEntry
	workspaces sync.Map // wsKey -> struct{}: the workspace exists
}

type memberKey struct {
	org  uuid.UUID
	user string
}

type wsKey struct{ org, ws uuid.UUID }

// checkEntry is what a check needs about one member. It is never changed
// once stored.
type checkEntry struct {
	role        roles.Role
	grants      roles.PermSet
	deactivated bool
	access      []wsRole // ordered by workspace ID
}

type wsRole struct {
	ws   uuid.UUID
	role roles.Role
}

// workspaceRole returns the member's role in ws, if it has one there.
func (e *checkEntry) workspaceRole(ws uuid.UUID) (roles.Role, bool) {
	a := e.access
	if len(a) > 16 { // binary search for the few members with many workspaces
		lo, hi := 0, len(a)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if lessID(a[mid].ws, ws) {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		a = a[lo:]
		if len(a) > 1 {
			a = a[:1]
		}
	}
	for i := range a {
		if a[i].ws == ws {
			return a[i].role, true
		}
	}
	return "", false
}

// errNotMember is CheckAccess's ErrNotFound, made once so that a check of a
// non-member does not allocate either.
var errNotMember = fmt.Errorf("memstore: check access: not a member: %w", storage.ErrNotFound)

// CheckAccess returns, in one look-up, what a permission check needs about
// userID in workspace ws of org (ws may be uuid.Nil for org-scope checks).
// It returns ErrNotFound when userID is not a member of org. Outside a
// transaction it takes no lock and allocates nothing; inside one it answers
// from the transaction's own changes.
func (s *Store) CheckAccess(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (membership.Access, error) {
	if s.active.Load() != nil {
		if a, ok, err := s.checkJoined(ctx, org, userID, ws); ok {
			return a, err
		}
	}
	v, ok := s.index.members.Load(memberKey{org: org, user: userID})
	if !ok {
		return membership.Access{}, errNotMember
	}
	e := v.(*checkEntry)
	a := membership.Access{Role: e.role, Grants: e.grants, Deactivated: e.deactivated}
	if ws == uuid.Nil {
		return a, nil
	}
	if a.WorkspaceRole, a.WorkspaceFound = e.workspaceRole(ws); !a.WorkspaceFound {
		_, a.WorkspaceFound = s.index.workspaces.Load(wsKey{org: org, ws: ws})
	}
	return a, nil
}

// checkJoined is CheckAccess in the transaction ctx carries; ok is false
// when it carries none.
func (s *Store) checkJoined(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (a membership.Access, ok bool, err error) {
	t := s.enter(ctx)
	if t == nil {
		return a, false, nil
	}
	defer t.leave()
	a, err = checkState(t.st, org, userID, ws)
	return a, true, err
}

// checkState is CheckAccess on a transaction's state.
func checkState(st *state, org uuid.UUID, userID string, ws uuid.UUID) (membership.Access, error) {
	o := st.org(org)
	if o == nil {
		return membership.Access{}, errNotMember
	}
	m := o.member(userID)
	if m == nil {
		return membership.Access{}, errNotMember
	}
	a := membership.Access{Role: m.Role, Grants: m.Grants, Deactivated: m.Deactivated}
	if ws == uuid.Nil {
		return a, nil
	}
	if r, ok := o.byWs.Get(accessRow{ws: ws, user: userID}); ok {
		a.WorkspaceRole, a.WorkspaceFound = r.a.Role, true
		return a, nil
	}
	a.WorkspaceFound = o.workspace(ws) != nil
	return a, nil
}

// update recomputes, from t's committed state, the entries of every member
// and workspace t touched.
func (ix *checkIndex) update(t *tx) {
	for k := range t.workspaces {
		if o := t.st.org(k.org); o != nil && o.workspace(k.ws) != nil {
			ix.workspaces.Store(k, struct{}{})
		} else {
			ix.workspaces.Delete(k)
		}
	}
	for k := range t.members {
		if e := entryOf(t.st, k); e != nil {
			ix.members.Store(k, e)
		} else {
			ix.members.Delete(k)
		}
	}
}

// entryOf builds the entry of k from st, or returns nil when k is not a
// member.
func entryOf(st *state, k memberKey) *checkEntry {
	o := st.org(k.org)
	if o == nil {
		return nil
	}
	m := o.member(k.user)
	if m == nil {
		return nil
	}
	e := &checkEntry{role: m.Role, grants: m.Grants, deactivated: m.Deactivated}
	o.byUser.AscendGreaterOrEqual(accessRow{user: k.user}, func(r accessRow) bool {
		if r.user != k.user {
			return false
		}
		e.access = append(e.access, wsRole{ws: r.ws, role: r.a.Role})
		return true
	})
	return e
}
