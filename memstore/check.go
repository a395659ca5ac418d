package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// checkIndex answers CheckAccess without a lock and without allocating: a
// lock-free hash table (memberTable) from organization and user to an
// immutable entry, which points to its organization's immutable set of
// workspaces. Both are rebuilt at commit for the members and organizations
// a transaction touched, so a check never sees an uncommitted change, and a
// removed member is denied as soon as the removal's Transact returns.
type checkIndex struct {
	members *memberTable
	orgs    sync.Map // uuid.UUID -> *orgCheck; read by writers only
}

type memberKey struct {
	org  uuid.UUID
	user string
}

// checkEntry is what a check needs about one member. It is never changed
// once stored.
type checkEntry struct {
	key         memberKey
	hash        uint64
	next        *checkEntry // in the bucket's chain
	role        roles.Role
	grants      roles.PermSet
	deactivated bool
	access      []wsRole // ordered by workspace ID
	org         *orgCheck
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
		a = a[lo:min(lo+1, len(a))]
	}
	for i := range a {
		if a[i].ws == ws {
			return a[i].role, true
		}
	}
	return "", false
}

// orgCheck holds one organization's workspace IDs for checks: one per
// organization for its life, shared by its members' entries, so that
// creating a workspace replaces one set rather than every entry.
type orgCheck struct {
	workspaces atomic.Pointer[[]wsID] // sorted
}

// wsID is a workspace ID as two big-endian halves, for fast comparison.
type wsID struct{ hi, lo uint64 }

func toWsID(id uuid.UUID) wsID {
	return wsID{hi: binary.BigEndian.Uint64(id[:8]), lo: binary.BigEndian.Uint64(id[8:])}
}

// has reports whether the organization has workspace id.
func (oc *orgCheck) has(id uuid.UUID) bool {
	p := oc.workspaces.Load()
	if p == nil {
		return false
	}
	set, k := *p, toWsID(id)
	lo, hi := 0, len(set)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m := set[mid]; m.hi < k.hi || m.hi == k.hi && m.lo < k.lo {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo < len(set) && set[lo] == k
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
	e := s.index.members.get(org, userID)
	if e == nil {
		return membership.Access{}, errNotMember
	}
	a := membership.Access{Role: e.role, Grants: e.grants, Deactivated: e.deactivated}
	if ws == uuid.Nil {
		return a, nil
	}
	if a.WorkspaceRole, a.WorkspaceFound = e.workspaceRole(ws); !a.WorkspaceFound {
		a.WorkspaceFound = e.org.has(ws)
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
	defer t.mu.Unlock()
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

// update recomputes, from t's committed state, the workspace sets of the
// organizations and the entries of the members t touched.
func (ix *checkIndex) update(t *tx) {
	for id := range t.wsOrgs {
		o := t.st.org(id)
		if o == nil {
			if v, ok := ix.orgs.LoadAndDelete(id); ok {
				v.(*orgCheck).workspaces.Store(nil)
			}
			continue
		}
		set := make([]wsID, 0, o.workspaces.Len())
		o.workspaces.Ascend(func(r wsRow) bool {
			set = append(set, toWsID(r.id))
			return true
		})
		ix.org(id).workspaces.Store(&set)
	}
	for k := range t.members {
		if e := ix.entryOf(t.st, k); e != nil {
			ix.members.put(e)
		} else {
			ix.members.del(k)
		}
	}
}

// org returns the orgCheck of organization id, making it if need be.
func (ix *checkIndex) org(id uuid.UUID) *orgCheck {
	if v, ok := ix.orgs.Load(id); ok {
		return v.(*orgCheck)
	}
	v, _ := ix.orgs.LoadOrStore(id, new(orgCheck))
	return v.(*orgCheck)
}

// entryOf builds the entry of k from st, or returns nil when k is not a
// member.
func (ix *checkIndex) entryOf(st *state, k memberKey) *checkEntry {
	o := st.org(k.org)
	if o == nil {
		return nil
	}
	m := o.member(k.user)
	if m == nil {
		return nil
	}
	e := &checkEntry{key: k, role: m.Role, grants: m.Grants, deactivated: m.Deactivated, org: ix.org(k.org)}
	o.byUser.AscendGreaterOrEqual(accessRow{user: k.user}, func(r accessRow) bool {
		if r.user != k.user {
			return false
		}
		e.access = append(e.access, wsRole{ws: r.ws, role: r.a.Role})
		return true
	})
	return e
}
