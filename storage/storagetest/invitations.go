package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testInvitations runs the invitation part of the suite: the contracts of
// invite.Store's invitation methods on the raw store, then the invitation
// lifecycle of the invite Service on top of it (who may invite, batches,
// accepting safely, seats, quotas, audit, delivery), then its races. The
// store must also implement invite.Store.
//
// Subtests that deliver mail share the store's outbox and run one at a
// time, before the others; the others send no mail.
func testInvitations(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { testInvitationStore(t, newStore) })
	t.Run("Delivery", func(t *testing.T) { testInvitationDelivery(t, newStore) })
	t.Run("Lifecycle", func(t *testing.T) { testInvitationLifecycle(t, newStore) })
	t.Run("Authority", func(t *testing.T) { testInvitationAuthority(t, newStore) })
	t.Run("Limits", func(t *testing.T) { testInvitationLimits(t, newStore) })
	t.Run("Attacks", func(t *testing.T) { testInvitationAttacks(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testInviteConcurrency(t, newStore) })
}

// inviteStore returns st as an invite.Store, or fails t.
func inviteStore(t *testing.T, st Store) invite.Store {
	t.Helper()
	ist, ok := any(st).(invite.Store)
	if !ok {
		t.Fatalf("%T does not implement invite.Store", st)
	}
	return ist
}

// ivFixture is a fixture with an invite Service over the same store.
type ivFixture struct {
	*fixture
	ist  invite.Store
	iv   *invite.Service
	ivs  []*invite.Service // one per racing handle of st (multi.go)
	mail *mailbox          // set by withMailer
}

type ivConfig struct {
	fixture []option
	opts    invite.Options
	mailer  bool
}

// ivOption changes how newInviteFixture builds its fixture.
type ivOption func(*ivConfig)

// ivSettings gives the organization these settings.
func ivSettings(s membership.Settings) ivOption {
	return func(c *ivConfig) { c.fixture = append(c.fixture, withSettings(s)) }
}

// ivOn builds the fixture on an existing store.
func ivOn(st Store) ivOption {
	return func(c *ivConfig) { c.fixture = append(c.fixture, onStore(st)) }
}

// ivOpts changes the invite Options.
func ivOpts(fn func(o *invite.Options)) ivOption { return func(c *ivConfig) { fn(&c.opts) } }

// ivRecorded gives the membership Service a recording dispatcher (f.disp).
func ivRecorded() ivOption {
	return func(c *ivConfig) { c.fixture = append(c.fixture, withRecorder()) }
}

// withMailer gives the Service a recording Mailer (f.mail) and defers
// delivery to explicit DeliverMail calls.
func withMailer() ivOption {
	return func(c *ivConfig) {
		c.mailer = true
		c.opts.DeferDelivery = true
	}
}

// testKey is the sealing key of fixtures that copy URLs.
var testKey = []byte("0123456789abcdef0123456789abcdef")

func newInviteFixture(t *testing.T, newStore func(t *testing.T) Store, opts ...ivOption) *ivFixture {
	t.Helper()
	var cfg ivConfig
	cfg.opts.BaseURL = "https://app.example.com/invite/"
	for _, o := range opts {
		o(&cfg)
	}
	f := &ivFixture{fixture: newFixture(t, newStore, cfg.fixture...)}
	f.ist = inviteStore(t, f.st)
	if cfg.mailer {
		f.mail = &mailbox{}
		cfg.opts.Mailer = f.mail
	}
	f.iv = newInvite(t, f.ist, f.svc, cfg.opts)
	f.ivs = peerInviteServices(t, f, cfg.opts)
	return f
}

// mailbox is a Mailer that remembers what it sent and fails while told to.
type mailbox struct {
	mu    sync.Mutex
	fail  bool
	tries int
	mails []invite.Mail
}

var errMailer = errors.New("storagetest: mail server unavailable")

func (m *mailbox) Send(_ context.Context, mail invite.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries++
	if m.fail {
		return errMailer
	}
	m.mails = append(m.mails, mail)
	return nil
}

func (m *mailbox) setFail(fail bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = fail
}

// sent returns the mails about org, in the order sent.
func (m *mailbox) sent(org uuid.UUID) []invite.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []invite.Mail
	for _, x := range m.mails {
		if x.OrgID == org {
			out = append(out, x)
		}
	}
	return out
}

// verified is a signed-in user with a verified email.
func verified(user, addr string) invite.Invitee {
	return invite.Invitee{UserID: user, Email: addr, EmailVerified: true, Name: "Name " + user}
}

// inviteAs invites one address as actor and returns its invitation and
// token.
func (f *ivFixture) inviteAs(t *testing.T, actor, addr string, role roles.Role, access ...ws) (invite.Invitation, string) {
	t.Helper()
	req := invite.Request{Emails: addr, Role: role}
	if len(access) > 0 {
		req.Workspaces = map[uuid.UUID]roles.Role{}
		for _, a := range access {
			req.Workspaces[a.ID] = a.Role
		}
	}
	res, err := f.iv.Invite(f.ctx, actor, f.org.ID, req)
	if err != nil {
		t.Fatalf("Invite(%q, %q): %v", addr, role, err)
	}
	if len(res.Addresses) != 1 || res.Addresses[0].Token == "" {
		t.Fatalf("Invite(%q): result %+v, want one invitation with a token", addr, res)
	}
	return res.Addresses[0].Invitation, res.Addresses[0].Token
}

// inviteOne invites one address as the owner.
func (f *ivFixture) inviteOne(t *testing.T, addr string, role roles.Role, access ...ws) (invite.Invitation, string) {
	t.Helper()
	return f.inviteAs(t, f.owner, addr, role, access...)
}

// stored reads invitation id straight from the store.
func (f *ivFixture) stored(t *testing.T, id uuid.UUID) invite.Invitation {
	t.Helper()
	inv, err := f.ist.Invitation(f.ctx, f.org.ID, id)
	if err != nil {
		t.Fatalf("store Invitation(%s): %v", id, err)
	}
	return inv
}

// invitations lists the organization's invitations whose status at the
// fixture's time is one of statuses (all when none), reading the store.
func (f *ivFixture) invitations(t *testing.T, statuses ...invite.Status) []invite.Invitation {
	t.Helper()
	return allInvitations(t, f.ctx, f.ist, f.org.ID, invite.InvitationFilter{Statuses: statuses, Now: f.clk.Now()})
}

func allInvitations(t *testing.T, ctx context.Context, ist invite.Store, org uuid.UUID, filter invite.InvitationFilter) []invite.Invitation {
	t.Helper()
	var out []invite.Invitation
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		list, next, err := ist.Invitations(ctx, org, filter, page)
		if err != nil {
			t.Fatalf("store Invitations: %v", err)
		}
		out = append(out, list...)
		if next == "" {
			return out
		}
		page.After = next
	}
}

// denied returns the denied audit events of action.
func (f *ivFixture) denied(t *testing.T, action string) []membership.AuditEvent {
	t.Helper()
	var out []membership.AuditEvent
	for _, e := range f.audit(t) {
		if e.Denied && e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// actions returns the actions of the audit events that were not denials.
func (f *ivFixture) actions(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, e := range f.audit(t) {
		if !e.Denied {
			out = append(out, e.Action)
		}
	}
	return out
}

// ivSnap is everything a refused invitation operation must leave as it
// was: the organization's state and its invitations and links.
func (f *ivFixture) ivSnap(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", f.snap(t))
	for _, inv := range f.invitations(t) {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%x|%v|%d|%s\n", inv.ID, inv.EmailKey, inv.Status, inv.Role, inv.TokenHash,
			inv.ExpiresAt.Unix(), inv.Sends, workspaceRoles(inv.Workspaces))
	}
	for _, l := range allLinks(t, f.ctx, f.ist, f.org.ID) {
		fmt.Fprintf(&b, "%s|%s|%x|%d/%d|%v\n", l.ID, l.Role, l.TokenHash, l.Uses, l.MaxUses, l.Revoked)
	}
	return b.String()
}

func (f *ivFixture) ivUnchanged(t *testing.T, before string) {
	t.Helper()
	if after := f.ivSnap(t); after != before {
		t.Fatalf("state changed by a refused operation:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func workspaceRoles(m map[uuid.UUID]roles.Role) string {
	keys := slices.Collect(maps.Keys(m))
	sortIDs(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k.String()+"="+string(m[k]))
	}
	return strings.Join(parts, ",")
}

// hostData returns host data at its bounds: the most keys, the longest
// key, the longest value, and text a careless encoder would break.
func hostData() map[string]string {
	d := map[string]string{
		strings.Repeat("k", invite.MaxDataKeyLen): strings.Repeat("é", invite.MaxDataValueLen/2),
		"folder":      "0190b6d4-5e8f-7b3c-9d2a-1f4e6a8c0b2d",
		"redirect.to": "/videos?tab=shared&x=\"quoted\"",
		"empty":       "",
		"json":        `{"a":[1,2]}`,
		"emoji":       "🎬 \u0000 ok",
	}
	for i := len(d); i < invite.MaxDataKeys; i++ {
		d[fmt.Sprintf("k%02d", i)] = fmt.Sprint(i)
	}
	return d
}

// randomHash returns 32 random bytes, as a token digest.
func randomHash() []byte {
	b := make([]byte, sha256.Size)
	_, _ = rand.Read(b)
	return b
}

// rawInvitation returns a pending invitation row for addr, not yet stored.
func rawInvitation(org uuid.UUID, addr string) invite.Invitation {
	return invite.Invitation{
		ID: newID(), OrgID: org, Email: addr, EmailKey: strings.ToLower(addr), Name: "Name",
		Role: roles.OrgMember, Kind: membership.KindCoworker, InvitedBy: "owner",
		Status: invite.StatusPending, TokenHash: randomHash(),
		ExpiresAt: start.Add(7 * 24 * time.Hour), SentAt: start, Sends: 1, CreatedAt: start, UpdatedAt: start,
	}
}

// sameInvitation fails t when got differs from want in a stored field.
func sameInvitation(t *testing.T, got, want invite.Invitation) {
	t.Helper()
	norm := func(inv invite.Invitation) string {
		return fmt.Sprintf("%s|%s|%q|%q|%q|%s|%s|%s|%d|%q|%s|%x|%x|%q|%d|%q|%d|%d|%d|%d|%d|%q",
			inv.ID, inv.OrgID, inv.Email, inv.EmailKey, inv.Name, inv.Role, inv.Kind, workspaceRoles(inv.Workspaces),
			inv.Grants, inv.InvitedBy, inv.Status, inv.TokenHash, inv.SealedToken, inv.KeyID, inv.Sends, inv.AcceptedBy,
			inv.ExpiresAt.UnixNano(), inv.SentAt.UnixNano(), unixOrZero(inv.DecidedAt), inv.CreatedAt.UnixNano(), inv.UpdatedAt.UnixNano(),
			inv.Data)
	}
	if g, w := norm(got), norm(want); g != w {
		t.Fatalf("invitation =\n%s\nwant\n%s", g, w)
	}
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// testInvitationStore checks each sentence of invite.Store's invitation
// and send contracts on the raw store.
func testInvitationStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("InvitationReturnsWhatWasStored", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w1, w2 := rawWorkspace(t, ctx, st, o.ID, "w1"), rawWorkspace(t, ctx, st, o.ID, "w2")
		inv := rawInvitation(o.ID, "Ann.Lee+x@Example.com")
		inv.Name = "Ann \"the boss\" Lee, Jr. 🎬"
		inv.Kind = membership.KindGuest
		inv.Role = roles.OrgGuest
		inv.Workspaces = map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer}
		inv.Grants = roles.Grants(roles.PermBilling, roles.PermAPIAccess)
		inv.SealedToken = []byte{0, 1, 2, 255, 254}
		inv.KeyID = "2031-03"
		inv.Sends = 3
		is.NoErr(ist.InsertInvitation(ctx, inv))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		got, err = ist.InvitationByTokenHash(ctx, inv.TokenHash)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		got, err = ist.PendingInvitation(ctx, o.ID, inv.EmailKey)
		is.NoErr(err)
		sameInvitation(t, got, inv)
	})

	t.Run("InvitationDataIsStoredAsGivenAndEmptyReadsAsNil", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.Data = hostData()
		is.NoErr(ist.InsertInvitation(ctx, inv))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		is.Equal(got.Data, inv.Data)
		got, err = ist.InvitationByTokenHash(ctx, inv.TokenHash)
		is.NoErr(err)
		is.Equal(got.Data, inv.Data)
		list := allInvitations(t, ctx, ist, o.ID, invite.InvitationFilter{})
		is.Equal(len(list), 1)
		is.Equal(list[0].Data, inv.Data)
		// UpdateInvitation replaces it; an empty map reads back as nil.
		inv.Data = map[string]string{"folder": "42"}
		is.NoErr(ist.UpdateInvitation(ctx, inv))
		got, err = ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.Equal(got.Data, map[string]string{"folder": "42"})
		inv.Data = map[string]string{}
		is.NoErr(ist.UpdateInvitation(ctx, inv))
		got, err = ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.True(got.Data == nil)
		none := rawInvitation(o.ID, "bob@example.com")
		none.Data = map[string]string{}
		is.NoErr(ist.InsertInvitation(ctx, none))
		got, err = ist.Invitation(ctx, o.ID, none.ID)
		is.NoErr(err)
		is.True(got.Data == nil)
	})

	t.Run("StoreKeepsNoReferenceToWhatItIsGivenOrReturns", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}
		want := inv
		want.TokenHash = slices.Clone(inv.TokenHash)
		want.Workspaces = maps.Clone(inv.Workspaces)
		is.NoErr(ist.InsertInvitation(ctx, inv))
		inv.TokenHash[0] ^= 0xff
		inv.Workspaces[w.ID] = roles.WorkspaceAdmin
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, want)
		got.TokenHash[1] ^= 0xff
		got.Workspaces[w.ID] = roles.WorkspaceAdmin
		again, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, again, want)
	})

	t.Run("InsertInvitationRejectsATakenIDOrTokenHash", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		dupID := rawInvitation(o.ID, "bob@example.com")
		dupID.ID = inv.ID
		wantErr(t, ist.InsertInvitation(ctx, dupID), storage.ErrConflict)
		dupHash := rawInvitation(other.ID, "carl@example.com")
		dupHash.TokenHash = slices.Clone(inv.TokenHash)
		wantErr(t, ist.InsertInvitation(ctx, dupHash), storage.ErrConflict) // token hashes are unique across organizations
		_, err := ist.Invitation(ctx, other.ID, dupHash.ID)
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("InsertInvitationOfAnUnknownOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		wantErr(t, ist.InsertInvitation(ctx, rawInvitation(newID(), "ann@example.com")), storage.ErrNotFound)
	})

	t.Run("OnePendingInvitationPerOrganizationAndEmailKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		first := rawInvitation(o.ID, "ann@example.com")
		first.ExpiresAt = start.Add(-time.Hour) // expired, but stored as pending
		is.NoErr(ist.InsertInvitation(ctx, first))
		wantErr(t, ist.InsertInvitation(ctx, rawInvitation(o.ID, "ann@example.com")), storage.ErrConflict)
		is.NoErr(ist.InsertInvitation(ctx, rawInvitation(other.ID, "ann@example.com"))) // another organization
		is.NoErr(ist.InsertInvitation(ctx, rawInvitation(o.ID, "bob@example.com")))     // another address
		done := rawInvitation(o.ID, "ann@example.com")
		done.Status = invite.StatusAccepted
		is.NoErr(ist.InsertInvitation(ctx, done)) // only pending ones are unique
		revoked := rawInvitation(o.ID, "ann@example.com")
		revoked.Status = invite.StatusRevoked
		is.NoErr(ist.InsertInvitation(ctx, revoked))

		// Once the pending one is answered, the address may be invited again.
		first.Status, first.DecidedAt = invite.StatusRejected, start
		is.NoErr(ist.UpdateInvitation(ctx, first))
		_, err := ist.PendingInvitation(ctx, o.ID, "ann@example.com")
		wantErr(t, err, storage.ErrNotFound)
		again := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, again))
		got, err := ist.PendingInvitation(ctx, o.ID, "ann@example.com")
		is.NoErr(err)
		is.Equal(got.ID, again.ID)

		// Making an old one pending again while another is pending conflicts.
		first.Status = invite.StatusPending
		wantErr(t, ist.UpdateInvitation(ctx, first), storage.ErrConflict)
		got, err = ist.Invitation(ctx, o.ID, first.ID)
		is.NoErr(err)
		is.Equal(got.Status, invite.StatusRejected) // a failed update changes nothing
	})

	t.Run("InvitationsAreScopedToTheirOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		_, err := ist.Invitation(ctx, other.ID, inv.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.PendingInvitation(ctx, other.ID, inv.EmailKey)
		wantErr(t, err, storage.ErrNotFound)
		moved := inv
		moved.OrgID = other.ID
		moved.Status = invite.StatusRevoked
		wantErr(t, ist.UpdateInvitation(ctx, moved), storage.ErrNotFound)
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.Equal(got.Status, invite.StatusPending)
		list := allInvitations(t, ctx, ist, other.ID, invite.InvitationFilter{})
		is.Equal(len(list), 0)
		n, err := ist.CountInvitations(ctx, other.ID, invite.InvitationFilter{})
		is.NoErr(err)
		is.Equal(n, 0)
		_, err = ist.Invitation(ctx, o.ID, newID())
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("InvitationByTokenHashFindsOnlyThatHash", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		for _, h := range [][]byte{randomHash(), inv.TokenHash[:31], append(slices.Clone(inv.TokenHash), 0), nil, {}} {
			_, err := ist.InvitationByTokenHash(ctx, h)
			wantErr(t, err, storage.ErrNotFound)
		}
		flipped := slices.Clone(inv.TokenHash)
		flipped[31] ^= 1
		_, err := ist.InvitationByTokenHash(ctx, flipped)
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("UpdateInvitationReplacesTheMutableFields", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.SealedToken, inv.KeyID = []byte("sealed"), "k1"
		is.NoErr(ist.InsertInvitation(ctx, inv))
		oldHash := inv.TokenHash
		up := inv
		up.Email, up.EmailKey, up.CreatedAt = "changed@example.com", "changed@example.com", start.Add(time.Hour) // not replaced
		up.Name, up.Role, up.Kind = "New", roles.OrgAdmin, membership.KindGuest
		up.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}
		up.Grants = roles.Grants(roles.PermBilling)
		up.InvitedBy = "admin"
		up.TokenHash, up.SealedToken, up.KeyID = randomHash(), nil, ""
		up.ExpiresAt, up.SentAt, up.Sends = start.Add(48*time.Hour), start.Add(time.Hour), 2
		up.Status, up.AcceptedBy, up.DecidedAt = invite.StatusAccepted, "ann", start.Add(2*time.Hour)
		up.UpdatedAt = start.Add(2 * time.Hour)
		is.NoErr(ist.UpdateInvitation(ctx, up))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		want := up
		want.Email, want.EmailKey, want.CreatedAt = inv.Email, inv.EmailKey, inv.CreatedAt
		sameInvitation(t, got, want)
		_, err = ist.InvitationByTokenHash(ctx, oldHash)
		wantErr(t, err, storage.ErrNotFound) // the old token hash no longer finds it
		got, err = ist.InvitationByTokenHash(ctx, up.TokenHash)
		is.NoErr(err)
		is.Equal(got.ID, inv.ID)
		_, err = ist.PendingInvitation(ctx, o.ID, inv.EmailKey)
		wantErr(t, err, storage.ErrNotFound) // no longer pending

		// Another invitation's token hash is a conflict.
		b := rawInvitation(o.ID, "bob@example.com")
		is.NoErr(ist.InsertInvitation(ctx, b))
		b.TokenHash = up.TokenHash
		wantErr(t, ist.UpdateInvitation(ctx, b), storage.ErrConflict)
		// An unknown invitation is not found.
		wantErr(t, ist.UpdateInvitation(ctx, rawInvitation(o.ID, "x@example.com")), storage.ErrNotFound)
	})

	t.Run("InvitationsFilterByStatusAtNowAndPageByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		now := start.Add(24 * time.Hour)
		byStatus := map[invite.Status][]uuid.UUID{}
		add := func(addr string, status invite.Status, expires time.Time, want invite.Status) {
			inv := rawInvitation(o.ID, addr)
			inv.Status, inv.ExpiresAt = status, expires
			is.NoErr(ist.InsertInvitation(ctx, inv))
			byStatus[want] = append(byStatus[want], inv.ID)
		}
		for i := range 3 {
			add(fmt.Sprintf("p%d@example.com", i), invite.StatusPending, now.Add(time.Second), invite.StatusPending)
		}
		add("e0@example.com", invite.StatusPending, now, invite.StatusExpired) // expiring exactly now is expired
		add("e1@example.com", invite.StatusPending, now.Add(-time.Hour), invite.StatusExpired)
		add("e2@example.com", invite.StatusExpired, now.Add(time.Hour), invite.StatusExpired)
		add("a0@example.com", invite.StatusAccepted, now.Add(-time.Hour), invite.StatusAccepted)
		add("r0@example.com", invite.StatusRejected, now.Add(time.Hour), invite.StatusRejected)
		add("v0@example.com", invite.StatusRevoked, now.Add(time.Hour), invite.StatusRevoked)
		add("v1@example.com", invite.StatusRevoked, now.Add(-time.Hour), invite.StatusRevoked)

		ids := func(list []invite.Invitation) []uuid.UUID {
			var out []uuid.UUID
			for _, inv := range list {
				out = append(out, inv.ID)
			}
			return out
		}
		for status, want := range byStatus {
			sortIDs(want)
			f := invite.InvitationFilter{Statuses: []invite.Status{status}, Now: now}
			is.Equal(ids(allInvitations(t, ctx, ist, o.ID, f)), want) // listed by status at now
			n, err := ist.CountInvitations(ctx, o.ID, f)
			is.NoErr(err)
			is.Equal(n, len(want)) // counted by status at now
		}
		past := invite.InvitationFilter{Statuses: invite.Past(), Now: now}
		n, err := ist.CountInvitations(ctx, o.ID, past)
		is.NoErr(err)
		is.Equal(n, 7)
		n, err = ist.CountInvitations(ctx, o.ID, invite.InvitationFilter{})
		is.NoErr(err)
		is.Equal(n, 10)
		byKey := invite.InvitationFilter{EmailKey: "e1@example.com"}
		is.Equal(ids(allInvitations(t, ctx, ist, o.ID, byKey)), byStatus[invite.StatusExpired][1:2])

		// Pages of two, in ID order, with no gap or repeat.
		var all []uuid.UUID
		for _, l := range byStatus {
			all = append(all, l...)
		}
		sortIDs(all)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			list, next, err := ist.Invitations(ctx, o.ID, invite.InvitationFilter{}, page)
			is.NoErr(err)
			is.True(len(list) <= 2)
			got = append(got, ids(list)...)
			if next == "" {
				break
			}
			page.After = next
		}
		is.Equal(got, all)
		_, _, err = ist.Invitations(ctx, o.ID, invite.InvitationFilter{}, storage.Page{After: "not a cursor!"})
		wantErr(t, err, storage.ErrInvalidCursor)
	})

	t.Run("SendsAreSummedSinceATimePerOrganizationAndInviter", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		send := func(org uuid.UUID, by string, n int, at time.Time) {
			is.NoErr(ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: org, InvitedBy: by, Count: n, At: at}))
		}
		send(o.ID, "ann", 3, start)
		send(o.ID, "ann", 2, start.Add(time.Hour))
		send(o.ID, "bob", 4, start.Add(2*time.Hour))
		send(other.ID, "ann", 100, start.Add(time.Hour))
		count := func(org uuid.UUID, by string, since time.Time) int {
			n, err := ist.CountSends(ctx, org, by, since)
			is.NoErr(err)
			return n
		}
		is.Equal(count(o.ID, "", start), 9)
		is.Equal(count(o.ID, "ann", start), 5)
		is.Equal(count(o.ID, "ann", start.Add(time.Hour)), 2) // At not before since counts
		is.Equal(count(o.ID, "ann", start.Add(time.Hour+1)), 0)
		is.Equal(count(o.ID, "bob", start), 4)
		is.Equal(count(o.ID, "carl", start), 0)
		is.Equal(count(other.ID, "", start), 100)

		is.NoErr(ist.DeleteSends(ctx, o.ID, start.Add(time.Hour))) // deletes those before
		is.Equal(count(o.ID, "", time.Time{}), 6)
		is.Equal(count(other.ID, "", time.Time{}), 100) // other organizations keep theirs

		wantErr(t, ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: newID(), InvitedBy: "x", Count: 1, At: start}), storage.ErrNotFound)
		dup := invite.Send{ID: newID(), OrgID: o.ID, InvitedBy: "x", Count: 1, At: start}
		is.NoErr(ist.InsertSend(ctx, dup))
		wantErr(t, ist.InsertSend(ctx, dup), storage.ErrConflict)
	})

	t.Run("DeleteOrganizationDeletesItsInvitationsLinksAndSends", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		var invs []invite.Invitation
		var links []invite.Link
		for _, org := range []uuid.UUID{o.ID, other.ID} {
			inv := rawInvitation(org, "ann@example.com")
			is.NoErr(ist.InsertInvitation(ctx, inv))
			invs = append(invs, inv)
			l := rawLink(org)
			is.NoErr(ist.InsertLink(ctx, l))
			links = append(links, l)
			is.NoErr(ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: org, InvitedBy: "ann", Count: 1, At: start}))
		}
		is.NoErr(st.DeleteOrganization(ctx, o.ID))
		_, err := ist.InvitationByTokenHash(ctx, invs[0].TokenHash)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.LinkByTokenHash(ctx, links[0].TokenHash)
		wantErr(t, err, storage.ErrNotFound)
		n, err := ist.CountSends(ctx, o.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 0) // sends are gone
		// The other organization keeps everything.
		_, err = ist.InvitationByTokenHash(ctx, invs[1].TokenHash)
		is.NoErr(err)
		_, err = ist.LinkByTokenHash(ctx, links[1].TokenHash)
		is.NoErr(err)
		n, err = ist.CountSends(ctx, other.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 1)
		// The same token hashes may be used again.
		o2 := rawOrg(t, ctx, st)
		again := rawInvitation(o2.ID, "ann@example.com")
		again.TokenHash = invs[0].TokenHash
		is.NoErr(ist.InsertInvitation(ctx, again))
		againLink := rawLink(o2.ID)
		againLink.TokenHash = links[0].TokenHash
		is.NoErr(ist.InsertLink(ctx, againLink))
	})

	t.Run("WritesInATransactionRollBack", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		l := rawLink(o.ID)
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := ist.InsertInvitation(ctx, inv); err != nil {
				return err
			}
			if err := ist.InsertLink(ctx, l); err != nil {
				return err
			}
			if err := ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: o.ID, InvitedBy: "x", Count: 5, At: start}); err != nil {
				return err
			}
			if _, err := ist.Invitation(ctx, o.ID, inv.ID); err != nil {
				return fmt.Errorf("own write not visible in the transaction: %w", err)
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		_, err = ist.Invitation(ctx, o.ID, inv.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.Link(ctx, o.ID, l.ID)
		wantErr(t, err, storage.ErrNotFound)
		n, err := ist.CountSends(ctx, o.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 0)
		is.NoErr(ist.InsertInvitation(ctx, inv)) // nothing is left to conflict with
	})
}

// testInvitationLifecycle follows invitations from creation to their end:
// pending -> accepted | rejected | revoked | expired.
func testInvitationLifecycle(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AcceptGivesTheInvitedRoleWorkspacesAndGrantsInOneStep", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w1, w2 := f.workspace(t, "Marketing"), f.workspace(t, "Sales")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "Ann <Ann@Example.com>", Role: roles.OrgMember, Grants: roles.Grants(roles.PermBilling),
			Workspaces: map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer},
		})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 1)
		r := res.Addresses[0]
		is.Equal(r.Outcome, invite.Invited)
		is.Equal(r.Address.Email, "Ann@Example.com") // kept as typed
		is.Equal(r.Address.Key, "ann@example.com")
		is.Equal(r.Address.Name, "Ann")
		is.Equal(r.URL, "https://app.example.com/invite/"+r.Token)
		inv := f.stored(t, r.Invitation.ID)
		is.Equal(inv.Status, invite.StatusPending)
		is.Equal(inv.Email, "Ann@Example.com")
		is.Equal(inv.EmailKey, "ann@example.com")
		is.Equal(inv.Role, roles.OrgMember)
		is.Equal(inv.Kind, membership.KindCoworker)
		is.Equal(inv.Grants, roles.Grants(roles.PermBilling))
		is.Equal(inv.InvitedBy, f.owner)
		is.Equal(inv.Sends, 1)
		is.True(inv.ExpiresAt.Equal(start.Add(invite.DefaultTTL))) // the default expiry is 7 days
		is.True(!f.isMember(t, "ann"))                             // nothing before accepting

		f.clk.Advance(time.Hour)
		m, err := f.iv.Accept(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.UserID, "ann")
		is.Equal(m.Role, roles.OrgMember)
		is.Equal(m.Grants, roles.Grants(roles.PermBilling))
		is.Equal(m.Kind, membership.KindCoworker)
		is.Equal(m.InvitedBy, f.owner)
		stored := f.member(t, "ann")
		is.Equal(stored.Role, roles.OrgMember)
		is.Equal(stored.Grants, roles.Grants(roles.PermBilling))
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer})
		is.True(f.can(t, "ann", w1.ID, roles.PermUploadVideo))  // contributor uploads
		is.True(!f.can(t, "ann", w2.ID, roles.PermUploadVideo)) // viewer does not
		inv = f.stored(t, inv.ID)
		is.Equal(inv.Status, invite.StatusAccepted)
		is.Equal(inv.AcceptedBy, "ann")
		is.True(inv.DecidedAt.Equal(start.Add(time.Hour)))
		acts := f.actions(t)
		is.True(slices.Contains(acts, invite.EventInvitationCreated))
		is.True(slices.Contains(acts, membership.EventMemberAdded))
		is.True(slices.Contains(acts, invite.EventInvitationAccepted))
	})

	t.Run("ABatchInvitesEachDistinctAddressOnce", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "ann@acme.test; Bob <bob@partner.test>, carl@acme.test\nANN@ACME.TEST.",
			List:   []string{"dan@acme.test", "bob@PARTNER.test"},
		})
		is.NoErr(err)
		var keys []string
		for _, r := range res.Addresses {
			is.Equal(r.Outcome, invite.Invited)
			keys = append(keys, r.Address.Key)
		}
		is.Equal(keys, []string{"ann@acme.test", "bob@partner.test", "carl@acme.test", "dan@acme.test"}) // in the order typed
		is.Equal(len(f.invitations(t, invite.StatusPending)), 4)
		is.Equal(res.Addresses[1].Invitation.Name, "Bob")
		is.Equal(res.Addresses[0].Invitation.Role, roles.OrgMember) // "" is the catalog's default
		tokens := map[string]bool{}
		for _, r := range res.Addresses {
			tokens[r.Token] = true
		}
		is.Equal(len(tokens), 4) // one token each
	})

	t.Run("InvitingAgainRefreshesThePendingInvitation", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		first, oldTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(24 * time.Hour)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "Ann@EXAMPLE.com", Role: roles.OrgAdmin})
		is.NoErr(err)
		r := res.Addresses[0]
		is.Equal(r.Outcome, invite.Reinvited)
		is.Equal(r.Invitation.ID, first.ID) // the same invitation
		is.Equal(len(f.invitations(t)), 1)
		inv := f.stored(t, first.ID)
		is.Equal(inv.Role, roles.OrgAdmin) // set to the new request
		is.Equal(inv.Sends, 2)
		is.True(inv.ExpiresAt.Equal(start.Add(24*time.Hour + invite.DefaultTTL))) // expiry extended
		_, err = f.iv.Accept(f.ctx, oldTok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken) // the old token stopped working
		m, err := f.iv.Accept(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgAdmin)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationRefreshed))
	})

	t.Run("AnAddressOfAMemberIsReportedAndNotInvited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "ann", roles.OrgMember) // ann@example.com
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ANN@example.com, bob@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.AlreadyMember)
		is.Equal(res.Addresses[0].Token, "")
		is.Equal(res.Addresses[1].Outcome, invite.Invited)
		list := f.invitations(t)
		is.Equal(len(list), 1)
		is.Equal(list[0].EmailKey, "bob@example.com")
	})

	t.Run("ResendRotatesTheTokenAndExtendsTheExpiry", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, oldTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(3 * 24 * time.Hour)
		got, tok, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.True(tok != oldTok)
		is.True(got.ExpiresAt.Equal(start.Add(3*24*time.Hour + invite.DefaultTTL)))
		stored := f.stored(t, inv.ID)
		is.Equal(stored.Sends, 2)
		is.True(stored.SentAt.Equal(start.Add(3 * 24 * time.Hour)))
		_, err = f.iv.Preview(f.ctx, oldTok)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Accept(f.ctx, oldTok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationResent))
	})

	t.Run("RevokedInvitationCannotBeAccepted", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRevoked)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRevoked)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrRevoked)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrRevoked)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrRevoked)
		audited := len(f.actions(t))
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID)) // revoking again does nothing, as for links
		is.Equal(len(f.actions(t)), audited)                    // and writes nothing
		f.add(t, "mia", roles.OrgMember)
		wantErr(t, f.iv.Revoke(f.ctx, "mia", f.org.ID, inv.ID), invite.ErrForbidden) // but only for who may revoke it
		is.True(!f.isMember(t, "ann"))
		is.Equal(len(f.denied(t, invite.EventInvitationAccepted)), 1) // the attempt is audited
		// The address may be invited afresh.
		again, tok2 := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(again.ID != inv.ID)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("RejectedInvitationCannotBeAccepted", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.NoErr(f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRejected)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRejected)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrRejected)
		wantErr(t, f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID), invite.ErrRejected)
		is.True(!f.isMember(t, "ann"))
		is.True(slices.Contains(f.actions(t), invite.EventInvitationRejected))
	})

	t.Run("ExpiredInvitationCannotBeAcceptedUntilResent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(invite.DefaultTTL - time.Second)
		_, err := f.iv.Preview(f.ctx, tok)
		is.NoErr(err) // still valid a second before
		f.clk.Advance(time.Second)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrExpired)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrExpired)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrExpired)
		is.True(!f.isMember(t, "ann"))
		is.Equal(len(f.invitations(t, invite.StatusExpired)), 1)
		is.Equal(len(f.invitations(t, invite.StatusPending)), 0)
		past, _, err := f.iv.Invitations(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{Statuses: invite.Past()}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(past), 1) // listed with the past ones
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("ExpiryIsConfigurable", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.TTL = time.Hour }))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(inv.ExpiresAt.Equal(start.Add(time.Hour)))
		f.clk.Advance(time.Hour)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrExpired)
	})

	t.Run("AcceptingTwiceYieldsOneMembership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		before := f.ivSnap(t)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrAlreadyUsed)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann2", "ann@example.com"))
		wantErr(t, err, invite.ErrAlreadyUsed)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrAlreadyUsed)
		f.ivUnchanged(t, before)
		is.Equal(f.count(t, membership.MemberFilter{}), 2)
	})

	t.Run("AMemberAcceptingKeepsTheirMembership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		// Invited at a second address of hers (a direct add at the invited
		// address revokes the invitation: see Seats).
		inv, tok := f.inviteOne(t, "ann@home.example.com", roles.OrgAdmin)
		f.add(t, "ann", roles.OrgMember)
		m, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@home.example.com"))
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember) // unchanged
		is.Equal(f.member(t, "ann").Role, roles.OrgMember)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusAccepted)
	})

	t.Run("AcceptNeedsTheVerifiedInvitedEmail", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "Mike.Lee@Example.com", roles.OrgMember)
		before := f.ivSnap(t)
		for _, tc := range []struct {
			in   invite.Invitee
			want error
		}{
			{invite.Invitee{UserID: "mike", Email: "mike.lee@example.com"}, invite.ErrEmailNotVerified},
			{verified("mike", "someone@example.com"), invite.ErrEmailMismatch},
			{verified("mike", "mikelee@example.com"), invite.ErrEmailMismatch},    // dots are not ignored
			{verified("mike", "mike.lee+x@example.com"), invite.ErrEmailMismatch}, // nor plus tags
			{verified("mike", "mıke.lee@example.com"), invite.ErrEmailMismatch},   // nor Unicode look-alikes
			{verified("mike", "mike.lee@example.com.evil.test"), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@exаmple.com"), invite.ErrEmailMismatch}, // Cyrillic а
			{verified("mike", "Mike <mike.lee@example.com>"), invite.ErrEmailMismatch},
			{verified("mike", ""), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@example.com\r\nBcc: x@y.test"), invite.ErrEmailMismatch},
		} {
			_, err := f.iv.Accept(f.ctx, tok, tc.in)
			wantErr(t, err, tc.want)
		}
		f.ivUnchanged(t, before)
		is.True(len(f.denied(t, invite.EventInvitationAccepted)) >= 2) // refusals are audited
		// ASCII case and a trailing dot do not matter.
		m, err := f.iv.Accept(f.ctx, tok, verified("mike", "MIKE.LEE@example.COM."))
		is.NoErr(err)
		is.Equal(m.UserID, "mike")
	})

	t.Run("DecliningNeedsTheVerifiedInvitedEmail", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "Mike.Lee@Example.com", roles.OrgMember)
		before := f.ivSnap(t)
		for _, tc := range []struct {
			in   invite.Invitee
			want error
		}{
			{invite.Invitee{UserID: "mike", Email: "mike.lee@example.com"}, invite.ErrEmailNotVerified},
			{verified("stranger", "stranger@example.com"), invite.ErrEmailMismatch}, // a forwarded link
			{verified("mike", "mike.lee+x@example.com"), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@exаmple.com"), invite.ErrEmailMismatch}, // Cyrillic а
			{verified("mike", ""), invite.ErrEmailMismatch},
			{verified("", "mike.lee@example.com"), invite.ErrInvalidInput},
		} {
			wantErr(t, f.iv.Reject(f.ctx, tok, tc.in), tc.want)
		}
		f.ivUnchanged(t, before)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusPending)
		denied := f.denied(t, invite.EventInvitationRejected)
		is.True(len(denied) >= 2) // refused declines are audited
		actors := map[string]bool{}
		for _, e := range denied {
			actors[e.Actor] = true
		}
		is.True(actors["stranger"]) // with who tried
		// The invitee declines, and the invitation is over.
		is.NoErr(f.iv.Reject(f.ctx, tok, verified("mike", "MIKE.LEE@example.COM")))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRejected)
		_, err := f.iv.Accept(f.ctx, tok, verified("mike", "mike.lee@example.com"))
		wantErr(t, err, invite.ErrRejected)
	})

	t.Run("ATokenOfAnotherOrganizationIsNotDeclined", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		in := verified("ann", "ann@example.com")
		in.Org = newID()
		wantErr(t, f.iv.Reject(f.ctx, tok, in), invite.ErrInvalidToken)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusPending)
	})

	t.Run("InvitationDataReachesTheAcceptResultAndTheEvents", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivRecorded())
		data := hostData()
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Data: data})
		is.NoErr(err)
		r := res.Addresses[0]
		is.Equal(r.Invitation.Data, data)
		is.Equal(f.stored(t, r.Invitation.ID).Data, data)
		data["folder"] = "changed by the caller afterwards"
		is.True(f.stored(t, r.Invitation.ID).Data["folder"] != data["folder"]) // copied, not shared
		want := hostData()
		got, err := f.iv.Redeem(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(got.Data, want)
		is.Equal(got.Kind, invite.KindInvitation)
		is.Equal(got.InvitationID, r.Invitation.ID)
		is.Equal(got.Member.UserID, "ann")
		is.True(!got.AlreadyMember)
		for _, typ := range []string{invite.EventInvitationAccepted, membership.EventMemberAdded} {
			if !eventually(func() bool {
				for _, e := range f.disp.delivered(f.org.ID, typ) {
					if e.UserID == "ann" {
						return true
					}
				}
				return false
			}) {
				t.Fatalf("no %s event about ann", typ)
			}
			for _, e := range f.disp.delivered(f.org.ID, typ) {
				if e.UserID != "ann" {
					continue
				}
				for k, v := range want {
					is.Equal(e.Data["data."+k], v) // typ carries the host data
				}
			}
		}
		// The audit trail does not keep it.
		for _, e := range f.audit(t) {
			for k := range e.After {
				is.True(!strings.HasPrefix(k, "data."))
			}
		}
		// Inviting again replaces it with the new request's.
		res, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com", Data: map[string]string{"a": "1"}})
		is.NoErr(err)
		res, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com"})
		is.NoErr(err)
		is.True(f.stored(t, res.Addresses[0].Invitation.ID).Data == nil)
	})

	t.Run("InvalidHostDataIsRefusedAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		tooMany := map[string]string{}
		for i := range invite.MaxDataKeys + 1 {
			tooMany[fmt.Sprintf("k%d", i)] = "v"
		}
		before := f.ivSnap(t)
		for _, d := range map[string]map[string]string{
			"too many keys":       tooMany,
			"empty key":           {"": "v"},
			"long key":            {strings.Repeat("k", invite.MaxDataKeyLen+1): "v"},
			"key with a colon":    {"a:b": "v"},
			"long value":          {"k": strings.Repeat("v", invite.MaxDataValueLen+1)},
			"invalid UTF-8 value": {"k": "\xff"},
		} {
			_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Data: d})
			wantErr(t, err, invite.ErrInvalidInput)
			_, _, err = f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{Data: d})
			wantErr(t, err, invite.ErrInvalidInput)
			_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.com", Data: d})
			wantErr(t, err, membership.ErrInvalidInput)
		}
		f.ivUnchanged(t, before)
	})

	t.Run("UnverifiedEmailsAreAcceptedOnlyWhenTheHostSaysSo", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.AllowUnverifiedEmail = true }))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, err := f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "bob@example.com"})
		wantErr(t, err, invite.ErrEmailMismatch) // the address must still match
		_, err = f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "ann@example.com"})
		is.NoErr(err)
	})

	t.Run("PreviewShowsTheOfferAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "Marketing")
		other, _ := f.inviteOne(t, "zed@example.com", roles.OrgMember)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.ivSnap(t)
		for range 2 {
			p, err := f.iv.Preview(f.ctx, tok)
			is.NoErr(err)
			is.Equal(p.Kind, invite.KindInvitation)
			is.Equal(p.OrgID, f.org.ID)
			is.Equal(p.OrgName, f.org.Name)
			is.Equal(p.InviterName, "The Owner")
			is.Equal(p.InviterEmail, email(f.owner))
			is.Equal(p.Email, "ann@example.com")
			is.Equal(p.Role, roles.OrgMember)
			is.Equal(p.Workspaces, []invite.WorkspaceRole{{ID: w.ID, Name: "Marketing", Role: roles.WorkspaceViewer}})
			is.True(p.ExpiresAt.Equal(inv.ExpiresAt))
			text := fmt.Sprintf("%+v", p)
			is.True(!strings.Contains(text, tok[5:20]))                        // no token
			is.True(!strings.Contains(text, other.EmailKey))                   // nothing of another invitation
			is.True(!strings.Contains(text, fmt.Sprintf("%x", inv.TokenHash))) // no digest
		}
		f.ivUnchanged(t, before)
		is.True(!f.isMember(t, "ann"))
	})

	t.Run("ListsShowPendingAndPastInvitationsPaged", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "viewer", roles.OrgMember)
		f.add(t, "guest", roles.OrgGuest)
		a, _ := f.inviteOne(t, "a@example.com", roles.OrgMember)
		b, tb := f.inviteOne(t, "b@example.com", roles.OrgMember)
		c, _ := f.inviteOne(t, "c@example.com", roles.OrgMember)
		d, td := f.inviteOne(t, "d@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, a.ID))
		_, err := f.iv.Accept(f.ctx, tb, verified("b", "b@example.com"))
		is.NoErr(err)
		is.NoErr(f.iv.Reject(f.ctx, td, verified("d", "d@example.com")))
		list := func(actor string, statuses []invite.Status, limit int) []uuid.UUID {
			var out []uuid.UUID
			page := storage.Page{Limit: limit}
			for {
				got, next, err := f.iv.Invitations(f.ctx, actor, f.org.ID, invite.InvitationFilter{Statuses: statuses}, page)
				is.NoErr(err)
				is.True(len(got) <= limit)
				for _, inv := range got {
					out = append(out, inv.ID)
				}
				if next == "" {
					return out
				}
				page.After = next
			}
		}
		is.Equal(list(f.owner, invite.Pending(), 1), []uuid.UUID{c.ID})
		past := []uuid.UUID{a.ID, b.ID, d.ID}
		sortIDs(past)
		is.Equal(list(f.owner, invite.Past(), 1), past)
		is.Equal(list("viewer", []invite.Status{invite.StatusAccepted}, 5), []uuid.UUID{b.ID}) // members see the list
		is.Equal(len(list(f.owner, nil, 2)), 4)
		_, _, err = f.iv.Invitations(f.ctx, "guest", f.org.ID, invite.InvitationFilter{}, storage.Page{})
		wantErr(t, err, invite.ErrForbidden)
		_, _, err = f.iv.Invitations(f.ctx, "stranger", f.org.ID, invite.InvitationFilter{}, storage.Page{})
		wantErr(t, err, invite.ErrForbidden)
		_, _, err = f.iv.Invitations(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{Statuses: []invite.Status{"lost"}}, storage.Page{})
		wantErr(t, err, invite.ErrInvalidInput)
		got, err := f.iv.Invitation(f.ctx, "viewer", f.org.ID, c.ID)
		is.NoErr(err)
		is.Equal(got.EmailKey, "c@example.com")
	})

	t.Run("UpdateInvitationChangesWhatAcceptingGives", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "W")
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		grants := roles.Grants(roles.PermAPIAccess)
		up, err := f.iv.UpdateInvitation(f.ctx, f.owner, f.org.ID, inv.ID, invite.InvitationUpdate{
			Grants: &grants, Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}})
		is.NoErr(err)
		is.Equal(up.Role, roles.OrgMember)
		is.Equal(f.stored(t, inv.ID).TokenHash, inv.TokenHash) // the token stays
		m, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.Grants, grants)
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin})
		is.True(slices.Contains(f.actions(t), invite.EventInvitationUpdated))
		_, err = f.iv.UpdateInvitation(f.ctx, f.owner, f.org.ID, inv.ID, invite.InvitationUpdate{Role: roles.OrgAdmin})
		wantErr(t, err, invite.ErrAlreadyUsed) // only pending invitations change
	})

	t.Run("CopyingTheInvitationURLNeedsTheKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		f := newInviteFixture(t, newStore, ivOn(st), ivOpts(func(o *invite.Options) { o.Keys = []invite.Key{{ID: "k1", Secret: testKey}} }))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		stored := f.stored(t, inv.ID)
		is.Equal(stored.KeyID, "k1")
		is.True(len(stored.SealedToken) > 0)
		is.True(!strings.Contains(string(stored.SealedToken), tok[5:])) // sealed, not stored in the clear
		url, err := f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, "https://app.example.com/invite/"+tok)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationURLShown)) // copying is audited

		// After a resend, the copy is the new URL.
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		url, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, "https://app.example.com/invite/"+tok2)

		// A rotated key ring still opens it; a ring without k1 does not.
		k2 := []byte("fedcba9876543210fedcba9876543210")
		rotated := newInvite(t, f.ist, f.svc, invite.Options{Keys: []invite.Key{{ID: "k2", Secret: k2}, {ID: "k1", Secret: testKey}}})
		url, err = rotated.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, tok2) // no base URL: the token alone
		dropped := newInvite(t, f.ist, f.svc, invite.Options{Keys: []invite.Key{{ID: "k2", Secret: k2}}})
		_, err = dropped.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNoKey)
		keyless := newInvite(t, f.ist, f.svc, invite.Options{})
		_, err = keyless.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNoKey)
		inv2, _ := (&ivFixture{fixture: f.fixture, ist: f.ist, iv: keyless}).inviteOne(t, "bob@example.com", roles.OrgMember)
		is.Equal(len(f.stored(t, inv2.ID).SealedToken), 0) // nothing sealed without a key
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv2.ID)
		wantErr(t, err, invite.ErrNoKey)

		// Once accepted, there is nothing to copy.
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrAlreadyUsed)
		is.Equal(len(f.stored(t, inv.ID).SealedToken), 0) // the sealed token is dropped once answered
	})

	t.Run("TokensAreStoredOnlyAsDigests", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(strings.HasPrefix(tok, invite.PrefixInvitation))
		is.Equal(len(tok), invite.TokenLen)
		stored := f.stored(t, inv.ID)
		digest := sha256.Sum256([]byte(tok))
		is.Equal(stored.TokenHash, digest[:])
		is.True(!strings.Contains(fmt.Sprintf("%+v", stored), tok[5:])) // no field holds the token
		is.True(!strings.Contains(stored.ID.String(), tok[5:13]))       // the ID is not the secret
	})

	t.Run("GuestsAreDecidedByTheCoworkerDomains", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}}))
		w := f.workspace(t, "W")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "ann@acme.test, eve@eng.acme.test, bob@partner.test", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Invitation.Kind, membership.KindCoworker)
		is.Equal(res.Addresses[1].Invitation.Kind, membership.KindCoworker) // subdomains are the company's
		is.Equal(res.Addresses[2].Invitation.Kind, membership.KindGuest)
		is.Equal(res.Addresses[2].Invitation.Role, roles.OrgGuest)
		m, err := f.iv.Accept(f.ctx, res.Addresses[2].Token, verified("bob", "bob@partner.test"))
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindGuest)
		is.Equal(m.Role, roles.OrgGuest)
		is.True(f.can(t, "bob", w.ID, roles.PermView)) // what was shared
		is.True(!f.canOrg(t, "bob", roles.PermViewMembers))

		denied := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}, GuestPolicy: membership.GuestsDenied}))
		before := denied.ivSnap(t)
		_, err = denied.iv.Invite(denied.ctx, denied.owner, denied.org.ID, invite.Request{Emails: "ann@acme.test, bob@partner.test"})
		wantErr(t, err, invite.ErrGuestsNotAllowed)
		denied.ivUnchanged(t, before) // all or nothing
	})

	t.Run("OwnersAndAdminsInvitedGetEveryWorkspace", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{RequireWorkspace: true}))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgAdmin)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		w := f.workspace(t, "Later")
		is.True(f.can(t, "ann", w.ID, roles.PermManagePeople))
	})

	t.Run("WorkspacesDeletedSinceTheInvitationAreLeftOut", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w1, w2 := f.workspace(t, "W1"), f.workspace(t, "W2")
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w1.ID, roles.WorkspaceViewer}, ws{w2.ID, roles.WorkspaceViewer})
		is.NoErr(f.svc.DeleteWorkspace(f.ctx, f.owner, f.org.ID, w2.ID))
		p, err := f.iv.Preview(f.ctx, tok)
		is.NoErr(err)
		is.Equal(len(p.Workspaces), 1)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceViewer})
	})

	t.Run("AuditAndEventsCarryNoSecret", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		f := newInviteFixture(t, newStore, ivOn(st), ivOpts(func(o *invite.Options) { o.Key = testKey }),
			func(c *ivConfig) { c.fixture = append(c.fixture, withRecorder()) })
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.Accept(f.ctx, tok2, verified("mallory", "mallory@example.com")) // refused, audited
		wantErr(t, err, invite.ErrEmailMismatch)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
		l, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, ltok, verified("bob", "bob@example.com"))
		is.NoErr(err)
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, l.ID))
		stored := f.stored(t, inv.ID)
		secrets := []string{tok[5:25], tok2[5:25], ltok[5:25], fmt.Sprintf("%x", stored.TokenHash)}
		var texts []string
		for _, e := range f.audit(t) {
			texts = append(texts, fmt.Sprintf("%+v", e))
		}
		is.True(eventually(func() bool { return len(f.disp.delivered(f.org.ID, invite.EventLinkRevoked)) == 1 }))
		for _, e := range f.disp.delivered(f.org.ID, "") {
			texts = append(texts, fmt.Sprintf("%+v", e))
		}
		is.True(len(texts) > 10)
		for _, text := range texts {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Fatalf("secret %q found in %s", s, text)
				}
			}
		}
	})
}

// testInvitationAuthority checks who may invite, and that nobody gives
// more than they hold, on every path, also at accept time.
func testInvitationAuthority(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("OnlyHoldersOfTheInvitePermissionInvite", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name     string
			settings membership.Settings
			setup    func(t *testing.T, f *ivFixture) string
			allowed  bool
		}{
			{"owner", membership.Settings{}, func(t *testing.T, f *ivFixture) string { return f.owner }, true},
			{"admin", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "adm", roles.OrgAdmin); return "adm" }, true},
			{"member", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "mem", roles.OrgMember); return "mem" }, false},
			{"member when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { f.add(t, "mem", roles.OrgMember); return "mem" }, true},
			{"member with the invite grant", membership.Settings{}, func(t *testing.T, f *ivFixture) string {
				f.add(t, "mem", roles.OrgMember)
				if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "mem", roles.Grants(roles.PermInvite)); err != nil {
					t.Fatal(err)
				}
				return "mem"
			}, true},
			{"guest", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "gst", roles.OrgGuest); return "gst" }, false},
			{"guest when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { f.add(t, "gst", roles.OrgGuest); return "gst" }, false},
			{"deactivated admin", membership.Settings{}, func(t *testing.T, f *ivFixture) string {
				f.add(t, "adm", roles.OrgAdmin)
				if _, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "adm"); err != nil {
					t.Fatal(err)
				}
				return "adm"
			}, false},
			{"stranger", membership.Settings{}, func(t *testing.T, f *ivFixture) string { return "stranger" }, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				f := newInviteFixture(t, newStore, ivSettings(tc.settings))
				actor := tc.setup(t, f)
				before := f.ivSnap(t)
				_, err := f.iv.Invite(f.ctx, actor, f.org.ID, invite.Request{Emails: "new@example.com", Role: roles.OrgMember})
				_, _, lerr := f.iv.CreateLink(f.ctx, actor, f.org.ID, invite.NewLink{Role: roles.OrgMember})
				if tc.allowed {
					is.NoErr(err)
					is.NoErr(lerr)
					return
				}
				wantErr(t, err, invite.ErrForbidden)
				wantErr(t, lerr, invite.ErrForbidden)
				f.ivUnchanged(t, before)
				is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 1) // the refusal is audited
				is.Equal(len(f.denied(t, invite.EventLinkCreated)), 1)
			})
		}
	})

	t.Run("NobodyInvitesAboveTheirOwnAuthority", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		other := newInviteFixture(t, newStore, ivOn(f.st))
		w, foreign := f.workspace(t, "W"), other.workspace(t, "Foreign")
		w2 := f.workspace(t, "W2")
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "inviter", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer}, ws{w2.ID, roles.WorkspaceAdmin})
		if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "inviter", roles.Grants(roles.PermInvite)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			actor string
			req   invite.Request
			want  error // nil: allowed
		}{
			{"owner invites an owner", f.owner, invite.Request{Role: roles.OrgOwner}, nil},
			{"admin invites an admin", "adm", invite.Request{Role: roles.OrgAdmin}, nil},
			{"admin invites an owner", "adm", invite.Request{Role: roles.OrgOwner}, invite.ErrForbidden},
			{"admin gives billing it lacks", "adm", invite.Request{Grants: roles.Grants(roles.PermBilling)}, invite.ErrForbidden},
			{"admin gives the API grant it holds", "adm", invite.Request{Grants: roles.Grants(roles.PermAPIAccess)}, nil},
			{"member inviter invites an admin", "inviter", invite.Request{Role: roles.OrgAdmin}, invite.ErrForbidden},
			{"member inviter invites a member", "inviter", invite.Request{Role: roles.OrgMember}, nil},
			{"member inviter gives a grant it lacks", "inviter", invite.Request{Grants: roles.Grants(roles.PermManageMembers)}, invite.ErrForbidden},
			{"member inviter gives admin of a workspace it only views", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}}, invite.ErrForbidden},
			{"member inviter gives viewer of a workspace it views", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}}, nil},
			{"member inviter gives admin of a workspace it administers", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w2.ID: roles.WorkspaceAdmin}}, nil},
			{"unknown org role", f.owner, invite.Request{Role: "emperor"}, invite.ErrInvalidRole},
			{"workspace role as org role", f.owner, invite.Request{Role: roles.WorkspaceContributor}, invite.ErrInvalidRole},
			{"unknown workspace role", f.owner, invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: "boss"}}, invite.ErrInvalidRole},
			{"workspace of another organization", f.owner,
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{foreign.ID: roles.WorkspaceViewer}}, invite.ErrNotFound},
			{"unknown workspace", f.owner, invite.Request{Workspaces: map[uuid.UUID]roles.Role{newID(): roles.WorkspaceViewer}}, invite.ErrNotFound},
			{"permission outside the catalog", f.owner, invite.Request{Grants: roles.Grants(roles.MaxPermission)}, invite.ErrInvalidRole},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.ivSnap(t)
				req := tc.req
				req.Emails = uniq("x") + "@example.com"
				_, err := f.iv.Invite(f.ctx, tc.actor, f.org.ID, req)
				if tc.want == nil {
					if err != nil {
						t.Fatalf("Invite: %v", err)
					}
					return
				}
				wantErr(t, err, tc.want)
				f.ivUnchanged(t, before)
			})
		}
	})

	t.Run("RequireWorkspaceAppliesFromTheInvitationOn", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{RequireWorkspace: true}))
		w := f.workspace(t, "W")
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Role: roles.OrgMember})
		wantErr(t, err, invite.ErrWorkspaceRequired)
		is.Equal(len(f.invitations(t)), 0)
		f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.inviteOne(t, "adm@example.com", roles.OrgAdmin) // admins have every workspace
		_, _, err = f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		wantErr(t, err, invite.ErrWorkspaceRequired)
	})

	t.Run("AnInviterWhoLostAuthorityNoLongerGrantsIt", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Members may invite: a demoted admin keeps the right to invite
		// (and its invitations), but no longer gives admin.
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "adm2", roles.OrgAdmin)
		_, asAdmin := f.inviteAs(t, "adm", "ann@example.com", roles.OrgAdmin)
		_, asMember := f.inviteAs(t, "adm2", "bob@example.com", roles.OrgMember)
		if _, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "adm", roles.OrgMember); err != nil {
			t.Fatal(err)
		}
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "adm2"))
		before := f.ivSnap(t)
		_, err := f.iv.Accept(f.ctx, asAdmin, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrForbidden) // a member may not give admin
		_, err = f.iv.Accept(f.ctx, asMember, verified("bob", "bob@example.com"))
		wantErr(t, err, invite.ErrRevoked) // the inviter left: what they sent went with them
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationAccepted)), 2)

		// Another admin resending it lends it their authority.
		inv := f.invitations(t, invite.StatusPending)
		is.Equal(len(inv), 1)
		f.add(t, "adm3", roles.OrgAdmin)
		for _, i := range inv {
			_, tok, err := f.iv.Resend(f.ctx, "adm3", f.org.ID, i.ID)
			is.NoErr(err)
			user := strings.TrimSuffix(i.EmailKey, "@example.com")
			_, err = f.iv.Accept(f.ctx, tok, verified(user, i.EmailKey))
			is.NoErr(err)
		}
	})

	t.Run("ReinvitingAnInvitationYouMayNotManageReportsItAlreadyInvited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		w := f.workspace(t, "Design")
		f.add(t, "mem", roles.OrgMember)
		f.add(t, "adm", roles.OrgAdmin)
		byOwner, ownerTok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceContributor})
		toOwner, _ := f.inviteOne(t, "olga@example.com", roles.OrgOwner)
		byMem, _ := f.inviteAs(t, "mem", "max@example.com", roles.OrgMember)
		wantSame := func(want invite.Invitation) {
			t.Helper()
			got := f.stored(t, want.ID)
			is.Equal(got.InvitedBy, want.InvitedBy)
			is.Equal(got.TokenHash, want.TokenHash)
			is.Equal(workspaceRoles(got.Workspaces), workspaceRoles(want.Workspaces))
			is.True(got.ExpiresAt.Equal(want.ExpiresAt))
			is.Equal(got.Sends, want.Sends)
			is.Equal(got.Role, want.Role)
		}
		f.clk.Advance(time.Hour)
		for _, tc := range []struct {
			name  string
			actor string
			addr  string
			keep  invite.Invitation
		}{
			{"a member re-invites the owner's invitation", "mem", "Ann@Example.com", byOwner},
			{"an admin re-invites an owner's invitation", "adm", "olga@example.com", toOwner},
		} {
			res, err := f.iv.Invite(f.ctx, tc.actor, f.org.ID, invite.Request{
				Emails: tc.addr + ", new-" + tc.actor + "@example.com", Role: roles.OrgMember})
			is.NoErr(err) // tc.name: the rest of the batch proceeds
			is.Equal(len(res.Addresses), 2)
			r := res.Addresses[0]
			is.Equal(r.Outcome, invite.AlreadyInvited) // tc.name
			is.Equal(r.Token, "")
			is.Equal(r.URL, "")
			is.Equal(r.Invitation.ID, uuid.Nil) // nothing about someone else's invitation
			is.Equal(res.Addresses[1].Outcome, invite.Invited)
			wantSame(tc.keep)
		}
		// The owner's token still works, with what the owner gave.
		m, err := f.iv.Accept(f.ctx, ownerTok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.InvitedBy, f.owner)
		is.Equal(f.access(t, "ann")[w.ID], roles.WorkspaceContributor)
		// Those who may manage an invitation still refresh it.
		res, err := f.iv.Invite(f.ctx, "mem", f.org.ID, invite.Request{Emails: "max@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.Reinvited) // their own
		is.Equal(res.Addresses[0].Invitation.ID, byMem.ID)
		res, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "max@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.Reinvited) // a manager of members of at least its rank
		is.Equal(f.stored(t, byMem.ID).InvitedBy, "adm")
	})

	t.Run("ChangingAnInvitationNeedsItsSenderOrAManagerOfAtLeastItsRank", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "mem", roles.OrgMember)
		f.add(t, "mem2", roles.OrgMember)
		toOwner, _ := f.inviteOne(t, "o@example.com", roles.OrgOwner)
		toAdmin, _ := f.inviteOne(t, "a@example.com", roles.OrgAdmin)
		byMem, _ := f.inviteAs(t, "mem", "m@example.com", roles.OrgMember)
		admin := roles.OrgAdmin
		for _, tc := range []struct {
			name  string
			actor string
			id    uuid.UUID
			ok    bool
		}{
			{"admin changes an owner's invitation", "adm", toOwner.ID, false},
			{"admin changes an admin's invitation", "adm", toAdmin.ID, true},
			{"member changes an invitation they did not send", "mem2", byMem.ID, false},
			{"member changes their own invitation", "mem", byMem.ID, true},
		} {
			before := f.ivSnap(t)
			errs := []error{}
			_, _, err := f.iv.Resend(f.ctx, tc.actor, f.org.ID, tc.id)
			errs = append(errs, err)
			_, err = f.iv.UpdateInvitation(f.ctx, tc.actor, f.org.ID, tc.id, invite.InvitationUpdate{Role: roles.OrgMember})
			errs = append(errs, err)
			for _, err := range errs {
				if tc.ok {
					is.NoErr(err) // tc.name
				} else {
					wantErr(t, err, invite.ErrForbidden)
				}
			}
			if !tc.ok {
				wantErr(t, f.iv.Revoke(f.ctx, tc.actor, f.org.ID, tc.id), invite.ErrForbidden)
				f.ivUnchanged(t, before)
			}
		}
		// Nobody raises an invitation above their own rank.
		_, err := f.iv.UpdateInvitation(f.ctx, "mem", f.org.ID, byMem.ID, invite.InvitationUpdate{Role: admin})
		wantErr(t, err, invite.ErrForbidden)
		_, err = f.iv.UpdateInvitation(f.ctx, "adm", f.org.ID, toAdmin.ID, invite.InvitationUpdate{Role: roles.OrgOwner})
		wantErr(t, err, invite.ErrForbidden)
		is.NoErr(f.iv.Revoke(f.ctx, "mem", f.org.ID, byMem.ID))
		is.NoErr(f.iv.Revoke(f.ctx, "adm", f.org.ID, toAdmin.ID))
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, toOwner.ID))
	})
}

// testInvitationLimits checks seats, daily quotas and batch limits.
func testInvitationLimits(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("SeatsCountMembersAndPendingInvitations", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3})) // the owner takes one
		a, _ := f.inviteOne(t, "a@example.com", roles.OrgMember)
		f.inviteOne(t, "b@example.com", roles.OrgMember)
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		wantErr(t, err, invite.ErrSeatLimit)
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 1)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com"})
		is.NoErr(err) // re-inviting takes no new seat
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, a.ID))
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com, d@example.com"})
		wantErr(t, err, invite.ErrSeatLimit) // one seat, two addresses: none invited
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		is.NoErr(err)
		// Expired invitations free their seats; resending one takes it back.
		f.clk.Advance(invite.DefaultTTL)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "d@example.com, e@example.com"})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 2)
		b := f.invitations(t, invite.StatusExpired)
		is.True(len(b) > 0)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, b[0].ID)
		wantErr(t, err, invite.ErrSeatLimit)
	})

	t.Run("DailyQuotasCountInviteesAndResends", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{InvitesPerDay: 5, InvitesPerInviterPerDay: 3}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "member", roles.OrgMember)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, b@example.com, c@example.com, member@example.com"})
		is.NoErr(err) // a member's address sends nothing and counts nothing
		is.Equal(res.Addresses[3].Outcome, invite.AlreadyMember)
		before := f.ivSnap(t)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, res.Addresses[0].Invitation.ID)
		wantErr(t, err, invite.ErrRateLimited) // the inviter's quota: 3
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com"})
		wantErr(t, err, invite.ErrRateLimited) // a refresh counts too
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationResent)), 1) // audited
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "d@example.com e@example.com f@example.com"})
		wantErr(t, err, invite.ErrRateLimited) // the organization's quota: 5
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "d@example.com e@example.com"})
		is.NoErr(err)
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "f@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
		f.clk.Advance(24*time.Hour + time.Second) // a day later
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "f@example.com, g@example.com, h@example.com"})
		is.NoErr(err)
	})

	t.Run("DefaultQuotasComeFromTheOptions", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.InvitesPerInviterPerDay = 2 }))
		f.inviteOne(t, "a@example.com", roles.OrgMember)
		f.inviteOne(t, "b@example.com", roles.OrgMember)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
	})

	t.Run("AHostLimiterCanRefuse", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		calls := 0
		var lim limiterFunc = func(ctx context.Context, org uuid.UUID, actor string, n int) error {
			calls++
			if n > 1 {
				return errors.New("slow down")
			}
			return nil
		}
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.Limiter = lim }))
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com b@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
		f.ivUnchanged(t, before)
		f.inviteOne(t, "a@example.com", roles.OrgMember)
		is.Equal(calls, 2)
	})

	t.Run("WhoMayInviteIsCheckedBeforeTheListIsParsedOrThrottled", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		var mu sync.Mutex
		calls := 0
		var lim limiterFunc = func(ctx context.Context, org uuid.UUID, actor string, n int) error {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return nil
		}
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.Limiter = lim; o.BatchLimit = invite.MaxBatchLimit }))
		f.add(t, "mem", roles.OrgMember) // members may not invite here
		before := f.ivSnap(t)
		huge := strings.Repeat("a@b.co"+strings.Repeat(" ", 1000)+"(x) ", 900) // about 1 MB
		for _, actor := range []string{"stranger", "mem"} {
			for _, req := range []invite.Request{
				{Emails: "new@example.com"},
				{Emails: "not an address, bob@-bad-.com"},       // parsing would say ErrInvalidEmail
				{Emails: strings.Repeat("x@example.com ", 1e5)}, // parsing would say ErrBatchTooLarge
				{Emails: huge},
				{List: make([]string, 1e4)},
			} {
				_, err := f.iv.Invite(f.ctx, actor, f.org.ID, req)
				wantErr(t, err, invite.ErrForbidden)
			}
		}
		is.Equal(calls, 0) // the host's Limiter is not charged for a refused inviter
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 10) // each refusal is audited

		// For an inviter, the Limiter runs before the list is parsed: a
		// throttled inviter costs no parsing either.
		g := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) {
			o.Limiter = limiterFunc(func(context.Context, uuid.UUID, string, int) error { return errors.New("slow down") })
		}))
		before = g.ivSnap(t)
		_, err := g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: "not an address, bob@-bad-.com"})
		wantErr(t, err, invite.ErrRateLimited)
		g.ivUnchanged(t, before)
	})

	t.Run("BatchesAreLimited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		addrs := func(n int) string {
			var out []string
			for i := range n {
				out = append(out, fmt.Sprintf("user%d@example.com", i))
			}
			return strings.Join(out, ", ")
		}
		f := newInviteFixture(t, newStore)
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: addrs(11)})
		wantErr(t, err, invite.ErrBatchTooLarge) // the default limit is 10
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: " ;, \n"})
		wantErr(t, err, invite.ErrEmptyBatch)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{})
		wantErr(t, err, invite.ErrEmptyBatch)
		f.ivUnchanged(t, before)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: addrs(10)})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 10)

		g := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.BatchLimit = 20 }))
		_, err = g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: addrs(21)})
		wantErr(t, err, invite.ErrBatchTooLarge)
		res, err = g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: addrs(20)})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 20)
	})
}

// limiterFunc adapts a function to invite.Limiter.
type limiterFunc func(ctx context.Context, org uuid.UUID, actor string, n int) error

func (f limiterFunc) Allow(ctx context.Context, org uuid.UUID, actor string, n int) error {
	return f(ctx, org, actor, n)
}

// lookupCounter is an invite.Store that counts token look-ups.
type lookupCounter struct {
	invite.Store
	mu      sync.Mutex
	lookups int
}

func (c *lookupCounter) InvitationByTokenHash(ctx context.Context, hash []byte) (invite.Invitation, error) {
	c.mu.Lock()
	c.lookups++
	c.mu.Unlock()
	return c.Store.InvitationByTokenHash(ctx, hash)
}

func (c *lookupCounter) LinkByTokenHash(ctx context.Context, hash []byte) (invite.Link, error) {
	c.mu.Lock()
	c.lookups++
	c.mu.Unlock()
	return c.Store.LinkByTokenHash(ctx, hash)
}

func (c *lookupCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookups
}

// testInvitationAttacks feeds the Service hostile input: every refusal is
// a typed error and leaves nothing stored or sent.
func testInvitationAttacks(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("MalformedTokensFailWithoutAStoreLookUp", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		counter := &lookupCounter{Store: f.ist}
		iv := newInvite(t, counter, f.svc, invite.Options{})
		typo := []byte(tok)
		typo[20] ^= 0x01 // a different base62 letter
		before := f.ivSnap(t)
		for name, bad := range map[string]string{
			"empty":         "",
			"short":         "rsti_abc",
			"truncated":     tok[:len(tok)-1],
			"extended":      tok + "a",
			"huge":          strings.Repeat("a", 1<<20),
			"mistyped":      string(typo),
			"upper-cased":   strings.ToUpper(tok),
			"kind swapped":  invite.PrefixLink + tok[5:],
			"link swapped":  invite.PrefixInvitation + ltok[5:],
			"with CRLF":     tok[:20] + "\r\n" + tok[22:],
			"with NUL":      tok[:20] + "\x00" + tok[21:],
			"SQL":           "rsti_' OR '1'='1' --                               ",
			"invalid UTF-8": tok[:20] + "\xff" + tok[21:],
			"spaced":        " " + tok[1:],
		} {
			_, err := iv.Preview(f.ctx, bad)
			wantErr(t, err, invite.ErrInvalidToken)
			_, err = iv.Accept(f.ctx, bad, verified("ann", "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidToken)
			_, err = iv.Join(f.ctx, bad, verified("ann", "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidToken)
			wantErr(t, iv.Reject(f.ctx, bad, verified("ann", "ann@example.com")), invite.ErrInvalidToken)
			if n := counter.count(); n != 0 {
				t.Fatalf("%s: %d store look-ups for a malformed token", name, n)
			}
			if len(bad) > 10 && strings.Contains(err.Error(), bad[5:]) {
				t.Fatalf("%s: the error echoes the token", name)
			}
		}
		f.ivUnchanged(t, before)
		is.True(!f.isMember(t, "ann"))
	})

	t.Run("TokensOpenOnlyTheirOwnKind", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		wantErr(t, f.iv.Reject(f.ctx, ltok, verified("ann", "ann@example.com")), invite.ErrInvalidToken)
		is.True(!f.isMember(t, "ann"))
		// Accept takes both kinds: one accept page serves both.
		_, err = f.iv.Accept(f.ctx, ltok, verified("bob", "bob@example.com"))
		is.NoErr(err)
	})

	t.Run("AWellFormedButUnknownTokenIsInvalid", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		inv, old := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		if _, _, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.iv.Accept(f.ctx, old, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Preview(f.ctx, old)
		wantErr(t, err, invite.ErrInvalidToken)
	})

	t.Run("IDsOfAnotherOrganizationAreNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		a := newInviteFixture(t, newStore)
		b := newInviteFixture(t, newStore, ivOn(a.st))
		inv, tok := a.inviteOne(t, "ann@example.com", roles.OrgMember)
		l, _, err := a.iv.CreateLink(a.ctx, a.owner, a.org.ID, invite.NewLink{})
		is.NoErr(err)
		before := a.ivSnap(t)
		_, _, err = b.iv.Resend(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		wantErr(t, b.iv.Revoke(b.ctx, b.owner, b.org.ID, inv.ID), invite.ErrNotFound)
		_, err = b.iv.UpdateInvitation(b.ctx, b.owner, b.org.ID, inv.ID, invite.InvitationUpdate{Role: roles.OrgAdmin})
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.InvitationURL(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.Invitation(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		wantErr(t, b.iv.RevokeLink(b.ctx, b.owner, b.org.ID, l.ID), invite.ErrNotFound)
		_, _, err = b.iv.RegenerateLink(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.LinkURL(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.Link(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		// A's owner is nobody in B.
		_, err = b.iv.Invite(b.ctx, a.owner+"-not", b.org.ID, invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrForbidden)
		a.ivUnchanged(t, before)
		// A's token joins A only.
		_, err = a.iv.Accept(a.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.True(a.isMember(t, "ann"))
		is.True(!b.isMember(t, "ann"))
		_, err = b.iv.Invite(b.ctx, b.owner, uuid.Nil, invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrInvalidInput)
		_, err = b.iv.Invite(b.ctx, b.owner, newID(), invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrNotFound)
	})

	t.Run("TokensOfAnotherOrganizationAreRefusedWhereTheOrganizationIsNamed", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		a := newInviteFixture(t, newStore)
		b := newInviteFixture(t, newStore, ivOn(a.st))
		_, tok := a.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := a.iv.CreateLink(a.ctx, a.owner, a.org.ID, invite.NewLink{})
		is.NoErr(err)
		before, beforeB := a.ivSnap(t), b.ivSnap(t)
		in := verified("ann", "ann@example.com")
		in.Org = b.org.ID // the accept page of B
		_, err = a.iv.Accept(a.ctx, tok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = a.iv.Accept(a.ctx, ltok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = a.iv.Join(a.ctx, ltok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		a.ivUnchanged(t, before)
		b.ivUnchanged(t, beforeB)
		in.Org = a.org.ID
		_, err = a.iv.Accept(a.ctx, tok, in)
		is.NoErr(err)
		in.UserID, in.Email = "bob", "bob@example.com"
		_, err = a.iv.Join(a.ctx, ltok, in)
		is.NoErr(err)
	})

	t.Run("MalformedUserIDsAreRefusedBeforeAnythingIsWritten", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		if err != nil {
			t.Fatal(err)
		}
		before := f.ivSnap(t)
		audit := len(f.audit(t))
		for _, user := range []string{"", " ann", strings.Repeat("u", 256), "ann\n", "a\x00b", "\xff"} {
			_, err := f.iv.Accept(f.ctx, tok, verified(user, "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidInput)
			_, err = f.iv.Join(f.ctx, ltok, verified(user, "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidInput)
		}
		f.ivUnchanged(t, before)
		if n := len(f.audit(t)); n != audit {
			t.Fatalf("%d audit events written for malformed user IDs", n-audit)
		}
	})

	t.Run("HostileAddressesAreRefusedAndNothingIsSaved", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		before := f.ivSnap(t)
		for _, bad := range []invite.Request{
			{Emails: "ann@example.com", List: []string{"bob@example.com\r\nBcc: all@example.com"}},
			{List: []string{"bob@example.com\nSubject: hi"}},
			{List: []string{"bob\x00@example.com"}},
			{Emails: "ann@example.com, bob@@example.com"},
			{Emails: "bob@example.com@evil.test"},
			{Emails: "ann@example.com; a@[127.0.0.1]"},
			{Emails: "a@localhost"},
			{Emails: strings.Repeat("a", 65) + "@example.com"},
			{Emails: "a@" + strings.Repeat("b", 64) + ".com"},
			{Emails: "\"Eve\r\nBcc: x@y.test\" <eve@example.com>"},
			{Emails: "=?utf-8?q?Eve=0D=0ABcc:_all?= <eve@example.com>"},
			{Emails: "=?utf-8?q?Eve=0D=0ABcc:_x@y.test?= <eve@example.com>"},
			{Emails: "ann@exаmple.com"}, // Cyrillic а
			{Emails: "ann@example.com", List: []string{"\xff\xfe@example.com"}},
		} {
			_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, bad)
			wantErr(t, err, invite.ErrInvalidEmail)
			var be *invite.BatchError
			is.True(errors.As(err, &be))
			is.True(len(be.Entries) >= 1)
			is.True(!strings.ContainsAny(err.Error(), "\r\n\x00")) // the message is safe to log
		}
		f.ivUnchanged(t, before)
	})

	t.Run("ErrorsNeverCarryTheToken", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 2}))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		var errs []error
		_, err := f.iv.Accept(f.ctx, tok, verified("x", "x@example.com"))
		errs = append(errs, err)
		_, err = f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "ann@example.com"})
		errs = append(errs, err)
		other := verified("ann", "ann@example.com")
		other.Org = uuid.New() // the accept page of another organization
		_, err = f.iv.Accept(f.ctx, tok, other)
		errs = append(errs, err)
		if err := f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		errs = append(errs, err)
		_, err = f.iv.Preview(f.ctx, tok)
		errs = append(errs, err)
		for _, err := range errs {
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), tok[5:]) || strings.Contains(err.Error(), tok[10:30]) {
				t.Fatalf("error %q carries the token", err)
			}
		}
		for _, e := range f.audit(t) {
			if strings.Contains(e.Reason, tok[10:30]) {
				t.Fatalf("audit reason %q carries the token", e.Reason)
			}
		}
	})
}

// testInvitationDelivery checks that invitation emails go through the
// outbox: sent after commit, once per invitation and token, never for a
// rolled-back or superseded one, and retried when the Mailer fails. Its
// subtests share the store's outbox, so they run one at a time.
func testInvitationDelivery(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("EachInvitationIsMailedAfterCommit", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		w := f.workspace(t, "Marketing")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "Ann <ann@example.com>; bob@bücher.example", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // delivery is deferred here
		n, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.True(n >= 2)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 2)
		slices.SortFunc(mails, func(a, b invite.Mail) int { return strings.Compare(a.To, b.To) })
		ann, bob := mails[0], mails[1]
		is.Equal(ann.To, "ann@example.com")
		is.Equal(ann.ToName, "Ann")
		is.Equal(bob.To, "bob@bücher.example")
		is.Equal(bob.ToASCII, "bob@xn--bcher-kva.example")
		is.True(ann.ID != bob.ID)
		for i, m := range []invite.Mail{ann, bob} {
			r := res.Addresses[i]
			is.Equal(m.InvitationID, r.Invitation.ID)
			is.Equal(m.OrgName, f.org.Name)
			is.Equal(m.InviterName, "The Owner")
			is.Equal(m.Role, roles.OrgMember)
			is.Equal(m.Workspaces, []invite.MailWorkspace{{Name: "Marketing", Role: roles.WorkspaceViewer}})
			is.Equal(m.URL, "https://app.example.com/invite/"+r.Token)
			is.Equal(m.Token, r.Token)
			is.True(m.ExpiresAt.Equal(r.Invitation.ExpiresAt))
			is.True(!m.Resent)
		}
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 2) // sent once
		// The mailed URL accepts.
		_, err = f.iv.Accept(f.ctx, strings.TrimPrefix(ann.URL, "https://app.example.com/invite/"), verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("WithoutDeferringMailIsSentBeforeInviteReturns", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.DeferDelivery = false }))
		f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.Equal(len(f.mail.sent(f.org.ID)), 1)
	})

	t.Run("AnInvitationInTheCallersTransactionIsMailedOnlyAfterItCommits", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.DeferDelivery = false }))
		err := f.st.Transact(f.ctx, func(ctx context.Context) error {
			if _, err := f.iv.Invite(ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com"}); err != nil {
				return err
			}
			if n := len(f.mail.sent(f.org.ID)); n != 0 {
				return fmt.Errorf("%d mails sent before commit", n)
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		is.Equal(len(f.invitations(t)), 0) // rolled back with the caller's transaction
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // and its email with it
		err = f.st.Transact(f.ctx, func(ctx context.Context) error {
			_, err := f.iv.Invite(ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com"})
			if n := len(f.mail.sent(f.org.ID)); err == nil && n != 0 {
				return fmt.Errorf("%d mails sent before commit", n)
			}
			return err
		})
		is.NoErr(err)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].To, "bob@example.com")
	})

	t.Run("ARefusedInvitationSendsNothing", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivSettings(membership.Settings{Seats: 2}))
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, b@example.com"})
		wantErr(t, err, invite.ErrSeatLimit)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, bad@"})
		wantErr(t, err, invite.ErrInvalidEmail)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0)
	})

	t.Run("AFailedMailIsRetriedLater", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.mail.setFail(true)
		_, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0)
		f.mail.setFail(false)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // not before its backoff
		f.clk.Advance(time.Minute + time.Second)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 1)
	})

	t.Run("OnlyTheLatestTokenOfAnInvitationIsMailed", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		inv, _ := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		revoked, _ := f.inviteOne(t, "bob@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, revoked.ID))
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1) // the superseded and the revoked ones are dropped
		is.Equal(mails[0].Token, tok2)
		is.True(mails[0].Resent)
	})

	t.Run("WithoutAKeyAnUndeliveredMailHoldsNoUsableToken", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer()) // no Key
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.mail.setFail(true)
		_, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // the mail server is down: the mail waits
		f.clk.Advance(2 * time.Second)          // past its backoff
		msgs, err := f.st.Claim(f.ctx, membership.ChannelMail, f.clk.Now(), time.Minute, 500)
		is.NoErr(err)
		found := false
		for _, m := range msgs {
			if m.OrgID != f.org.ID {
				continue
			}
			found = true
			p := string(m.Payload)
			is.True(!strings.Contains(p, tok[5:])) // not the token
			is.True(!strings.Contains(p, base64.StdEncoding.EncodeToString([]byte(tok))[8:40]))
			var fields map[string]any
			is.NoErr(json.Unmarshal(m.Payload, &fields))
			for _, v := range fields {
				if str, ok := v.(string); ok {
					_, err := invite.ParseToken(str)
					is.True(err != nil) // nor any token at all
				}
			}
		}
		is.True(found)
		// Another process (a restart, a worker) delivers it: the mail is not
		// lost, and the token it carries accepts.
		f.clk.Advance(time.Minute + time.Second) // past the claim's lease
		other := &mailbox{}
		iv2 := newInvite(t, f.ist, f.svc, invite.Options{Mailer: other, DeferDelivery: true,
			BaseURL: "https://app.example.com/invite/"})
		_, err = iv2.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := other.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].InvitationID, inv.ID)
		is.True(mails[0].Token != "")
		is.True(slices.Contains(f.actions(t), invite.EventInvitationReissued)) // audited
		is.True(f.stored(t, inv.ID).ExpiresAt.Equal(inv.ExpiresAt))            // the expiry is kept
		f.mail.setFail(false)
		f.clk.Advance(time.Hour)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // sent once
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken) // the token replaced at delivery
		_, err = f.iv.Accept(f.ctx, mails[0].Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("WithAKeyTheOutboxHoldsNoToken", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.Key = testKey }))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		msgs, err := f.st.Claim(f.ctx, membership.ChannelMail, f.clk.Now(), time.Minute, 500)
		is.NoErr(err)
		found := false
		for _, m := range msgs {
			if m.OrgID == f.org.ID {
				found = true
				is.True(!strings.Contains(string(m.Payload), tok[5:])) // sealed in the invitation, not in the outbox
			}
		}
		is.True(found)
		f.clk.Advance(time.Minute + time.Second) // past the claim's lease
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].Token, tok)
	})
}
