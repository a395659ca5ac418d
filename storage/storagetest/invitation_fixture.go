package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

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
	f.iv = newInvite(t, f.svc, cfg.opts)
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
