package memstore

import (
	"encoding/binary"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

var (
	_ membership.Store = (*Store)(nil)
	_ invite.Store     = (*Store)(nil)
)

// Store keeps organizations, workspaces, members, access, audit events,
// invitations, links and the outbox in memory. The zero Store is not
// usable; call New. A Store is safe for concurrent use and needs no Close.
type Store struct {
	// sem is the writer lock: one transaction at a time holds it, from
	// begin to commit or rollback. A channel, so that waiting for it
	// respects the context.
	sem chan struct{}
	// mu guards st for readers outside a transaction. A transaction takes
	// it for writing at its first change and holds it until it ends, so
	// that nobody sees a change it might still undo.
	mu sync.RWMutex
	st *state
	// active is the transaction holding sem, if it was started by Transact;
	// a nil active lets calls skip the context look-up.
	active atomic.Pointer[tx]
	// index answers CheckAccess; see check.go.
	index checkIndex
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		sem:   make(chan struct{}, 1),
		index: checkIndex{members: newMemberTable()},
		st: &state{
			orgs:       btree.NewG(degree, lessOrg),
			slugs:      btree.NewG(degree, lessSlug),
			userOrgs:   btree.NewG(degree, lessUserOrg),
			msgs:       btree.NewG(degree, lessMsg),
			queue:      btree.NewG(degree, lessQueue),
			invTokens:  btree.NewG(degree, lessToken),
			invitees:   btree.NewG(degree, lessInvitee),
			linkTokens: btree.NewG(degree, lessToken),

			apiKeyHashes: newAPIKeyHashTree(),
		},
	}
}

// degree is the B-tree degree: nodes hold up to 2*degree-1 items.
const degree = 16

// state is everything the Store holds, in B-trees, so that lists are
// keyset ranges and every look-up is O(log n).
type state struct {
	orgs     *btree.BTreeG[orgRow]     // by organization ID
	slugs    *btree.BTreeG[slugRow]    // by slug
	userOrgs *btree.BTreeG[userOrgRow] // by user ID, then organization ID
	msgs     *btree.BTreeG[msgRow]     // outbox by message ID
	queue    *btree.BTreeG[msgRow]     // outbox by channel, CreatedAt, ID
	// invTokens and linkTokens find invitations and links of any
	// organization by token hash.
	invTokens  *btree.BTreeG[tokenRow]
	linkTokens *btree.BTreeG[tokenRow]
	// invitees holds the pending invitations of every organization by
	// EmailKey, then ID: a user's invitations across organizations.
	invitees *btree.BTreeG[inviteeRow]
	// apiKeyHashes finds API keys of any organization by digest.
	apiKeyHashes *btree.BTreeG[apiKeyHashRow]
}

// org returns the organization id in st, or nil.
func (st *state) org(id uuid.UUID) *orgData {
	r, ok := st.orgs.Get(orgRow{id: id})
	if !ok {
		return nil
	}
	return r.o
}

// orgData is everything one organization holds. Deleting the organization
// unlinks it whole.
type orgData struct {
	org        membership.Organization
	workspaces *btree.BTreeG[wsRow]     // by ID
	wsNames    *btree.BTreeG[nameRow]   // by name
	members    *btree.BTreeG[memberRow] // by user ID
	byWs       *btree.BTreeG[accessRow] // by workspace ID, then user ID
	byUser     *btree.BTreeG[accessRow] // by user ID, then workspace ID
	audit      *btree.BTreeG[auditRow]  // by ID
	n          counts
	// Invitations, links and sends; see invitations.go, links.go, sends.go.
	invitations *btree.BTreeG[invRow]     // by ID
	pending     *btree.BTreeG[pendingRow] // pending invitations by EmailKey
	links       *btree.BTreeG[linkRow]    // by ID
	sends       *btree.BTreeG[sendRow]    // by At, then ID
	sendIDs     *btree.BTreeG[sendRow]    // by ID
	// API keys; see apikeys.go.
	apiKeys *btree.BTreeG[apiKeyRow] // by ID
}

func newOrgData(org membership.Organization) *orgData {
	return &orgData{
		org:        org,
		workspaces: btree.NewG(degree, lessWs),
		wsNames:    btree.NewG(degree, lessName),
		members:    btree.NewG(degree, lessMember),
		byWs:       btree.NewG(degree, lessByWs),
		byUser:     btree.NewG(degree, lessByUser),
		audit:      btree.NewG(degree, lessAudit),
		n:          counts{role: map[roles.Role]int{}, kind: map[membership.Kind]int{}},

		invitations: btree.NewG(degree, lessInv),
		pending:     btree.NewG(degree, lessPending),
		links:       btree.NewG(degree, lessLink),
		sends:       btree.NewG(degree, lessSendAt),
		sendIDs:     btree.NewG(degree, lessSendID),

		apiKeys: newAPIKeyTree(),
	}
}

// member returns userID's membership, or nil.
func (o *orgData) member(userID string) *membership.Member {
	r, ok := o.members.Get(memberRow{user: userID})
	if !ok {
		return nil
	}
	return r.m
}

// workspace returns workspace id, or nil.
func (o *orgData) workspace(id uuid.UUID) *membership.Workspace {
	r, ok := o.workspaces.Get(wsRow{id: id})
	if !ok {
		return nil
	}
	return r.w
}

// counts keep the member counts that seat and owner checks ask for on every
// mutation, so that they cost O(1) rather than a scan.
type counts struct {
	total    int
	active   int // not deactivated
	licensed int
	role     map[roles.Role]int
	kind     map[membership.Kind]int
}

func (c *counts) add(m *membership.Member, d int) {
	c.total += d
	c.role[m.Role] += d
	if c.role[m.Role] == 0 {
		delete(c.role, m.Role)
	}
	c.kind[m.Kind] += d
	if c.kind[m.Kind] == 0 {
		delete(c.kind, m.Kind)
	}
	if m.Licensed {
		c.licensed += d
	}
	if !m.Deactivated {
		c.active += d
	}
}

// Rows: each tree item holds its sort key beside a pointer to a record, so
// that look-ups build their key on the stack. A record is never changed
// once stored (values returned are copies of it); an update stores a new
// one, which the undo log can swap back.
type (
	orgRow struct {
		id uuid.UUID
		o  *orgData
	}
	slugRow struct {
		slug string
		id   uuid.UUID
	}
	userOrgRow struct {
		user string
		org  uuid.UUID
	}
	wsRow struct {
		id uuid.UUID
		w  *membership.Workspace
	}
	nameRow struct {
		name string
		id   uuid.UUID
	}
	memberRow struct {
		user string
		m    *membership.Member
	}
	accessRow struct {
		ws   uuid.UUID
		user string
		a    *membership.WorkspaceAccess
	}
	auditRow struct {
		id uuid.UUID
		e  *membership.AuditEvent
	}
	msgRow struct {
		id uuid.UUID
		m  *membership.Message
	}
)

// lessID orders UUIDs as bytes, which for UUIDv7 is by time.
func lessID(a, b uuid.UUID) bool {
	if ah, bh := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8]); ah != bh {
		return ah < bh
	}
	return binary.BigEndian.Uint64(a[8:]) < binary.BigEndian.Uint64(b[8:])
}

func lessOrg(a, b orgRow) bool       { return lessID(a.id, b.id) }
func lessSlug(a, b slugRow) bool     { return a.slug < b.slug }
func lessWs(a, b wsRow) bool         { return lessID(a.id, b.id) }
func lessName(a, b nameRow) bool     { return a.name < b.name }
func lessMember(a, b memberRow) bool { return a.user < b.user }
func lessAudit(a, b auditRow) bool   { return lessID(a.id, b.id) }
func lessMsg(a, b msgRow) bool       { return lessID(a.id, b.id) }
func lessUserOrg(a, b userOrgRow) bool {
	return a.user < b.user || a.user == b.user && lessID(a.org, b.org)
}

func lessByWs(a, b accessRow) bool {
	if a.ws != b.ws {
		return lessID(a.ws, b.ws)
	}
	return a.user < b.user
}

func lessByUser(a, b accessRow) bool {
	if a.user != b.user {
		return a.user < b.user
	}
	return lessID(a.ws, b.ws)
}

// lessQueue orders the outbox for Claim: by channel, then oldest first.
func lessQueue(a, b msgRow) bool {
	if c := strings.Compare(a.m.Channel, b.m.Channel); c != 0 {
		return c < 0
	}
	if c := a.m.CreatedAt.Compare(b.m.CreatedAt); c != 0 {
		return c < 0
	}
	return lessID(a.id, b.id)
}
