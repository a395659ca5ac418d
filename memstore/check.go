package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// checkIndex answers CheckAccess and CheckPermissions without a lock and
// without allocating: a lock-free hash table (memberTable) from
// organization and user to an immutable entry, which points to its
// organization's immutable set of workspaces. Both are rebuilt at commit
// for the members and organizations a transaction touched, so a check never
// sees an uncommitted change, and a removed member is denied as soon as the
// removal's Transact returns.
type checkIndex struct {
	members *memberTable
	orgs    sync.Map // uuid.UUID -> *orgCheck; read by writers only
	// building is the catalog entries compute their permission sets
	// under; nil until IndexPermissions. Writers only.
	building *roles.Catalog
	// cat is building, published once every entry holds its permission
	// sets: CheckPermissions answers for it only.
	cat atomic.Pointer[roles.Catalog]
}

type memberKey struct {
	org  uuid.UUID
	user string
}

// inlinePerms is how many workspace permission sets an entry holds in
// itself: the workload's members hold 3 workspaces, and most real members
// a few, so a check reads no memory beyond the entry.
const inlinePerms = 3

// checkEntry is what a check needs about one member. It is never changed
// once stored. The fields CheckPermissions reads come first, so that a
// check touches the entry's first two cache lines only.
type checkEntry struct {
	hash uint64
	next *checkEntry // in the bucket's chain
	key  memberKey
	// Permissions under the index's catalog; all empty before one is set
	// and for a deactivated member. all is what an AllWorkspaces org role
	// holds in every workspace of the organization (empty for other
	// roles, whose sets are per workspace: perms, then more).
	all      roles.PermSet
	perms    [inlinePerms]wsPerms // unused ones have the nil workspace ID
	more     []wsPerms            // beyond perms, ordered by workspace ID
	orgPerms roles.PermSet        // organization-scope permissions
	org      *orgCheck
	// What CheckAccess returns.
	role        roles.Role
	grants      roles.PermSet
	deactivated bool
	access      []wsRole // ordered by workspace ID
}

type wsRole struct {
	ws   uuid.UUID
	role roles.Role
}

// wsPerms is a member's permission set in one workspace.
type wsPerms struct {
	ws    uuid.UUID
	perms roles.PermSet
}

// permsIn returns the member's permissions in workspace ws, not nil.
func (e *checkEntry) permsIn(ws uuid.UUID) roles.PermSet {
	for i := range e.perms {
		if e.perms[i].ws == ws {
			return e.perms[i].perms
		}
	}
	if m := e.more; len(m) > 0 {
		lo, hi := 0, len(m)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if lessID(m[mid].ws, ws) {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo < len(m) && m[lo].ws == ws {
			return m[lo].perms
		}
	}
	if e.all != 0 && e.org.has(ws) {
		return e.all
	}
	return 0
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
	workspaces atomic.Pointer[wsSet]
}

// wsSet is an immutable open-addressing hash set of workspace IDs, at most
// half full, so that a look-up reads one or two slots.
type wsSet struct {
	shift uint // 64 - log2(len(slots))
	slots []uuid.UUID
}

// slot returns where id's probe starts: the ID's random low half (UUIDv7
// and v4 alike), spread by a multiplication.
func (ws *wsSet) slot(id uuid.UUID) uint64 {
	return binary.LittleEndian.Uint64(id[8:]) * 0x9E3779B97F4A7C15 >> ws.shift
}

func newWsSet(ids []uuid.UUID) *wsSet {
	n := 4
	for n < 2*len(ids) {
		n *= 2
	}
	ws := &wsSet{shift: uint(64 - bits.TrailingZeros(uint(n))), slots: make([]uuid.UUID, n)}
	mask := uint64(n - 1)
	for _, id := range ids {
		i := ws.slot(id)
		for ws.slots[i] != uuid.Nil {
			i = (i + 1) & mask
		}
		ws.slots[i] = id
	}
	return ws
}

// has reports whether the organization has workspace id.
func (oc *orgCheck) has(id uuid.UUID) bool {
	ws := oc.workspaces.Load()
	if ws == nil || id == uuid.Nil {
		return false
	}
	mask := uint64(len(ws.slots) - 1)
	for i := ws.slot(id); ; i = (i + 1) & mask {
		switch ws.slots[i] {
		case id:
			return true
		case uuid.Nil:
			return false
		}
	}
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
		ids := make([]uuid.UUID, 0, o.workspaces.Len())
		o.workspaces.Ascend(func(r wsRow) bool {
			ids = append(ids, r.id)
			return true
		})
		ix.org(id).workspaces.Store(newWsSet(ids))
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
	if cat := ix.building; cat != nil && !m.Deactivated {
		e.orgPerms = cat.OrgPerms(m.Role, m.Grants)
		if def, err := cat.OrgRole(m.Role); err == nil && def.AllWorkspaces {
			e.all = cat.WorkspacePerms(m.Role, m.Grants, "")
			return e
		}
		n := 0
		for _, a := range e.access {
			p := cat.WorkspacePerms(m.Role, m.Grants, a.role)
			switch {
			case p == 0: // denied either way
			case n < inlinePerms:
				e.perms[n] = wsPerms{ws: a.ws, perms: p}
				n++
			default:
				e.more = append(e.more, wsPerms{ws: a.ws, perms: p})
			}
		}
	}
	return e
}
