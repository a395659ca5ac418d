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
// once stored. Its size class is 256 bytes, so it starts on a cache line,
// and what CheckPermissions reads comes first: in the first line the key,
// with a short user ID inline, and all an owner's or admin's check needs;
// in the second, three workspace permission sets.
type checkEntry struct {
	hash uint64
	next *checkEntry // in the bucket's chain
	org  uuid.UUID
	// ua and ub hold a user ID of up to inlineUser bytes (packUser); the
	// ID's length is in the top byte of hash, longUser for a longer ID,
	// which is in userID only.
	ua, ub uint64
	// allOrg is set for a member of an AllWorkspaces org role (owners,
	// admins): it holds perms0 in every workspace of allOrg, and has no
	// sets per workspace. Otherwise it is nil.
	allOrg *orgCheck
	// Permissions under the index's catalog, all empty before one is set
	// and for a deactivated member: ws and perms are the member's sets in
	// its first workspaces (unused ones have the nil workspace ID), then
	// more; for an AllWorkspaces role perms0 is what it holds in every
	// workspace; orgPerms are organization-scope.
	perms0   roles.PermSet
	ws       [inlinePerms]uuid.UUID
	perms12  [inlinePerms - 1]roles.PermSet
	oc       *orgCheck // the organization's workspaces, for CheckAccess
	more     []wsPerms // beyond ws, ordered by workspace ID
	orgPerms roles.PermSet
	sig      uint64 // the entry's bits in its bucket's signature
	userID   string // the whole user ID
	// What CheckAccess returns.
	role        roles.Role
	grants      roles.PermSet
	deactivated bool
	access      []wsRole // ordered by workspace ID
}

// inlineUser is the longest user ID an entry holds in itself; longUser
// stands for a longer one's length.
const (
	inlineUser = 16
	longUser   = 0xFF
)

// packUser returns user, when it is at most inlineUser bytes long, as two
// words, which with its length tell it apart from any other ID: one word
// holds its first bytes, the other its last (they overlap when it is
// shorter than 16), as wyhash reads short inputs. ok is false for a longer
// ID.
func packUser(user string) (a, b uint64, ok bool) {
	switch n := len(user); {
	case n > inlineUser:
		return 0, 0, false
	case n >= 8:
		return le64(user), le64(user[n-8:]), true
	case n >= 4:
		return le32(user), le32(user[n-4:]), true
	case n > 0:
		return uint64(user[0])<<16 | uint64(user[n>>1])<<8 | uint64(user[n-1]), 0, true
	}
	return 0, 0, true
}

// le64 returns the first 8 bytes of s as a little-endian word (one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32 returns the first 4 bytes of s as a little-endian word.
func le32(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// setUser stores user in e, inline when short enough; e.hash is set by
// the table.
func (e *checkEntry) setUser(user string) {
	e.userID = user
	e.ua, e.ub, _ = packUser(user)
}

// is reports whether e is the entry of user in org, whose hash is h and
// whose packed words are a and b (packUser), reading no memory outside e
// for a short user ID.
func (e *checkEntry) is(h uint64, org uuid.UUID, a, b uint64, user string) bool {
	if e.hash != h || e.org != org {
		return false
	}
	if h>>56 != longUser {
		return e.ua == a && e.ub == b
	}
	return e.userID == user
}

// key returns the organization and user e belongs to.
func (e *checkEntry) key() memberKey { return memberKey{org: e.org, user: e.userID} }

type wsRole struct {
	ws   uuid.UUID
	role roles.Role
}

// wsPerms is a member's permission set in one workspace.
type wsPerms struct {
	ws    uuid.UUID
	perms roles.PermSet
}

// permsBeyond returns the member's permissions in workspace ws, which is
// not uuid.Nil nor one of e.ws: from more.
func (e *checkEntry) permsBeyond(ws uuid.UUID) roles.PermSet {
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
	return 0
}

// setPerms stores the permission set p of workspace ws, after those of
// every workspace ordered before it.
func (e *checkEntry) setPerms(ws uuid.UUID, p roles.PermSet) {
	switch {
	case e.ws[0] == uuid.Nil:
		e.ws[0], e.perms0 = ws, p
	case e.ws[1] == uuid.Nil:
		e.ws[1], e.perms12[0] = ws, p
	case e.ws[2] == uuid.Nil:
		e.ws[2], e.perms12[1] = ws, p
	default:
		e.more = append(e.more, wsPerms{ws: ws, perms: p})
	}
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
// half full. Its multiplier is chosen, when one can be found, so that no
// two IDs share a slot: a look-up then reads one slot and takes no branch
// on what it finds there (exact); otherwise it probes on from its slot.
type wsSet struct {
	mult  uint64 // odd
	shift uint   // 64 - log2(len(slots))
	exact bool   // every ID is in the slot it hashes to
	slots []uuid.UUID
}

// slot returns where id's probe starts: the ID's random low half (UUIDv7
// and v4 alike), spread by a multiplication.
func (ws *wsSet) slot(id uuid.UUID) uint64 {
	return binary.LittleEndian.Uint64(id[8:]) * ws.mult >> ws.shift
}

// exactTries is how many multipliers newWsSet tries for a set without a
// shared slot. A set of 20 IDs in 64 slots finds one within 64 tries 96 %
// of the time; much larger sets seldom do, and probe.
const exactTries = 64

func newWsSet(ids []uuid.UUID) *wsSet {
	n := 4
	for n < 2*len(ids) {
		n *= 2
	}
	ws := &wsSet{shift: uint(64 - bits.TrailingZeros(uint(n))), slots: make([]uuid.UUID, n)}
	mask := uint64(n - 1)
	taken := make([]bool, n)
	for try := range uint64(exactTries) {
		ws.mult = (0x9E3779B97F4A7C15 + try*0xD6E8FEB86659FD94) | 1
		clear(taken)
		ws.exact = true
		for _, id := range ids {
			i := ws.slot(id)
			if taken[i] {
				ws.exact = false
				break
			}
			taken[i] = true
		}
		if ws.exact {
			break
		}
	}
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
	i := ws.slot(id)
	if ws.exact {
		return ws.slots[i] == id
	}
	mask := uint64(len(ws.slots) - 1)
	for ; ; i = (i + 1) & mask {
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
		a.WorkspaceFound = e.oc.has(ws)
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
	e := &checkEntry{org: k.org, role: m.Role, grants: m.Grants, deactivated: m.Deactivated, oc: ix.org(k.org)}
	e.setUser(k.user)
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
			if all := cat.WorkspacePerms(m.Role, m.Grants, ""); all != 0 {
				e.allOrg, e.perms0 = e.oc, all
			}
			return e
		}
		for _, a := range e.access {
			if p := cat.WorkspacePerms(m.Role, m.Grants, a.role); p != 0 { // denied either way
				e.setPerms(a.ws, p)
			}
		}
	}
	return e
}
