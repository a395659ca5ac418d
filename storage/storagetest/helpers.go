package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
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

// start is the fake clock's first reading: whole seconds, so that every
// store keeps it exactly.
var start = time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)

// clock is a membership.Clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: start} }

// Now returns the current fake time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// errDispatch is what a failing recorder returns.
var errDispatch = errors.New("storagetest: dispatcher unavailable")

// delivery is one call of recorder.Dispatch.
type delivery struct {
	Event  membership.Event
	Failed bool
}

// recorder is a membership.Dispatcher that remembers every call and fails
// while told to.
type recorder struct {
	mu    sync.Mutex
	fail  bool
	calls []delivery
}

// Dispatch records e and fails when the recorder is set to.
func (r *recorder) Dispatch(_ context.Context, e membership.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, delivery{Event: e, Failed: r.fail})
	if r.fail {
		return errDispatch
	}
	return nil
}

func (r *recorder) setFail(fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = fail
}

// attempts returns the calls about org, failed ones included.
func (r *recorder) attempts(org uuid.UUID) []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivery
	for _, d := range r.calls {
		if d.Event.OrgID == org {
			out = append(out, d)
		}
	}
	return out
}

// delivered returns the events about org of type typ (any type when "")
// that were delivered successfully.
func (r *recorder) delivered(org uuid.UUID, typ string) []membership.Event {
	var out []membership.Event
	for _, d := range r.attempts(org) {
		if !d.Failed && (typ == "" || d.Event.Type == typ) {
			out = append(out, d.Event)
		}
	}
	return out
}

// recorders maps an organization ID to the recorder of the fixture that
// owns it. On a shared database any Service may deliver any
// organization's events (the outbox is one queue), so every Service
// dispatches through discard, which hands each event to its
// organization's recorder, if it has one, and accepts the others, so that
// the outbox does not grow.
var recorders sync.Map // uuid.UUID -> *recorder

var discard = membership.DispatcherFunc(func(ctx context.Context, e membership.Event) error {
	if r, ok := recorders.Load(e.OrgID); ok {
		return r.(*recorder).Dispatch(ctx, e)
	}
	return nil
})

// fixture is one organization on one store, with a Service over it. Every
// subtest makes its own, so one database can serve parallel subtests.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	st    Store
	clk   *clock
	disp  *recorder
	svc   *membership.Service
	svcs  []*membership.Service // one per racing handle of st (multi.go)
	org   membership.Organization
	owner string
}

type config struct {
	store    Store
	settings membership.Settings
	record   bool
	deferred bool
	owner    string
}

// option changes how newFixture builds its fixture.
type option func(*config)

// withSettings gives the organization these settings.
func withSettings(s membership.Settings) option { return func(c *config) { c.settings = s } }

// withRecorder gives the Service a recording dispatcher (f.disp).
func withRecorder() option { return func(c *config) { c.record = true } }

// deferred sets Options.DeferDelivery.
func deferred() option { return func(c *config) { c.deferred = true } }

// onStore builds the fixture on an existing store instead of a new one.
func onStore(st Store) option { return func(c *config) { c.store = st } }

// ownedBy names the organization's creator.
func ownedBy(user string) option { return func(c *config) { c.owner = user } }

// newFixture creates a store (unless onStore), a Service and an organization
// with a unique slug, created by "owner".
func newFixture(t *testing.T, newStore func(t *testing.T) Store, opts ...option) *fixture {
	t.Helper()
	cfg := config{owner: "owner"}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.store == nil {
		cfg.store = newStore(t)
	}
	f := &fixture{t: t, ctx: t.Context(), st: cfg.store, clk: newClock(), owner: cfg.owner}
	o := membership.Options{Clock: f.clk, Dispatcher: discard, DeferDelivery: cfg.deferred}
	if cfg.record {
		rec := &recorder{}
		f.disp = rec
		// Until the organization is registered (its creation's own
		// events), f.svc records what it delivers itself.
		o.Dispatcher = membership.DispatcherFunc(func(ctx context.Context, e membership.Event) error {
			if r, ok := recorders.Load(e.OrgID); ok {
				return r.(*recorder).Dispatch(ctx, e)
			}
			return rec.Dispatch(ctx, e)
		})
	}
	f.svc = newMembership(t, f.st, o)
	f.svcs = peerServices(t, f.st, f.svc, o)
	slug := uniq("org")
	org, err := f.svc.CreateOrganization(f.ctx, f.owner, membership.NewOrganization{
		Name: "Org " + slug, Slug: slug, Settings: cfg.settings,
		OwnerEmail: email(f.owner), OwnerName: "The Owner",
	})
	if err != nil {
		t.Fatalf("CreateOrganization(%q): %v", slug, err)
	}
	f.org = org
	if f.disp != nil {
		recorders.Store(org.ID, f.disp)
		t.Cleanup(func() { recorders.Delete(org.ID) })
	}
	return f
}

// uniq returns prefix followed by a random suffix: a valid, unique slug or
// user ID.
func uniq(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
}

// email returns the address the suite gives user.
func email(user string) string { return user + "@example.com" }

// ws is a workspace role given when adding a member.
type ws struct {
	ID   uuid.UUID
	Role roles.Role
}

// add makes user a member with role and workspace access, as the owner.
func (f *fixture) add(t *testing.T, user string, role roles.Role, access ...ws) membership.Member {
	t.Helper()
	nm := membership.NewMember{UserID: user, Email: email(user), Name: "Name " + user, Role: role}
	if len(access) > 0 {
		nm.Workspaces = make(map[uuid.UUID]roles.Role, len(access))
		for _, a := range access {
			nm.Workspaces[a.ID] = a.Role
		}
	}
	m, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, nm)
	if err != nil {
		t.Fatalf("AddMember(%q, %q): %v", user, role, err)
	}
	return m
}

// workspace creates a workspace as the owner.
func (f *fixture) workspace(t *testing.T, name string) membership.Workspace {
	t.Helper()
	w, err := f.svc.CreateWorkspace(f.ctx, f.owner, f.org.ID, name)
	if err != nil {
		t.Fatalf("CreateWorkspace(%q): %v", name, err)
	}
	return w
}

// member reads user's membership straight from the store.
func (f *fixture) member(t *testing.T, user string) membership.Member {
	t.Helper()
	m, err := f.st.Member(f.ctx, f.org.ID, user)
	if err != nil {
		t.Fatalf("store Member(%q): %v", user, err)
	}
	return m
}

// isMember reports whether user is a member, reading the store.
func (f *fixture) isMember(t *testing.T, user string) bool {
	t.Helper()
	_, err := f.st.Member(f.ctx, f.org.ID, user)
	switch {
	case err == nil:
		return true
	case errors.Is(err, storage.ErrNotFound):
		return false
	}
	t.Fatalf("store Member(%q): %v", user, err)
	return false
}

// access returns user's workspace roles, by workspace, reading the store.
func (f *fixture) access(t *testing.T, user string) map[uuid.UUID]roles.Role {
	t.Helper()
	as, err := f.st.MemberAccess(f.ctx, f.org.ID, user)
	if err != nil {
		t.Fatalf("store MemberAccess(%q): %v", user, err)
	}
	out := make(map[uuid.UUID]roles.Role, len(as))
	for _, a := range as {
		out[a.WorkspaceID] = a.Role
	}
	return out
}

// owners counts the organization's owners.
func (f *fixture) owners(t *testing.T) int {
	t.Helper()
	n, err := f.st.CountMembers(f.ctx, f.org.ID, membership.MemberFilter{Role: roles.OrgOwner})
	if err != nil {
		t.Fatalf("store CountMembers(owner): %v", err)
	}
	return n
}

// count counts the members that match filter.
func (f *fixture) count(t *testing.T, filter membership.MemberFilter) int {
	t.Helper()
	n, err := f.st.CountMembers(f.ctx, f.org.ID, filter)
	if err != nil {
		t.Fatalf("store CountMembers: %v", err)
	}
	return n
}

// members lists every member, reading the store page by page.
func (f *fixture) members(t *testing.T) []membership.Member {
	t.Helper()
	var out []membership.Member
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		ms, next, err := f.st.Members(f.ctx, f.org.ID, membership.MemberFilter{}, page)
		if err != nil {
			t.Fatalf("store Members: %v", err)
		}
		out = append(out, ms...)
		if !advance(t, &page, next) {
			return out
		}
	}
}

// audit lists the organization's audit events, reading the store.
func (f *fixture) audit(t *testing.T) []membership.AuditEvent {
	t.Helper()
	return auditOf(t, f.ctx, f.st, f.org.ID, membership.AuditFilter{})
}

func auditOf(t *testing.T, ctx context.Context, st Store, org uuid.UUID, filter membership.AuditFilter) []membership.AuditEvent {
	t.Helper()
	var out []membership.AuditEvent
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		es, next, err := st.Audit(ctx, org, filter, page)
		if err != nil {
			t.Fatalf("store Audit: %v", err)
		}
		out = append(out, es...)
		if !advance(t, &page, next) {
			return out
		}
	}
}

// newEvents returns the events of after whose ID is not in before.
func newEvents(before, after []membership.AuditEvent) []membership.AuditEvent {
	seen := make(map[uuid.UUID]bool, len(before))
	for _, e := range before {
		seen[e.ID] = true
	}
	var out []membership.AuditEvent
	for _, e := range after {
		if !seen[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// snapshot is everything a failed operation must leave as it was.
type snapshot struct {
	Org        string
	Members    []string
	Access     []string
	Workspaces []string
	Audit      []string // events that were not denials
}

// snap reads the organization's whole state from the store.
func (f *fixture) snap(t *testing.T) snapshot {
	t.Helper()
	var s snapshot
	o, err := f.st.Organization(f.ctx, f.org.ID)
	if err != nil {
		t.Fatalf("store Organization: %v", err)
	}
	s.Org = fmt.Sprintf("%s|%s|%+v", o.Name, o.Slug, o.Settings)
	for _, m := range f.members(t) {
		s.Members = append(s.Members, fmt.Sprintf("%s|%s|%s|%s|%v|%s|%s|lic=%v|sso=%v|off=%v",
			m.UserID, m.Email, m.Name, m.Role, m.Kind, m.Grants, m.InvitedBy, m.Licensed, m.SSO, m.Deactivated))
		as, err := f.st.MemberAccess(f.ctx, f.org.ID, m.UserID)
		if err != nil {
			t.Fatalf("store MemberAccess: %v", err)
		}
		for _, a := range as {
			s.Access = append(s.Access, fmt.Sprintf("%s|%s|%s", a.UserID, a.WorkspaceID, a.Role))
		}
	}
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		wss, next, err := f.st.Workspaces(f.ctx, f.org.ID, page)
		if err != nil {
			t.Fatalf("store Workspaces: %v", err)
		}
		for _, w := range wss {
			s.Workspaces = append(s.Workspaces, w.ID.String()+"|"+w.Name)
		}
		if !advance(t, &page, next) {
			break
		}
	}
	for _, e := range f.audit(t) {
		if !e.Denied {
			s.Audit = append(s.Audit, e.ID.String()+"|"+e.Action)
		}
	}
	sort.Strings(s.Access)
	return s
}

// unchanged fails t when the organization's state differs from before.
func (f *fixture) unchanged(t *testing.T, before snapshot) {
	t.Helper()
	after := f.snap(t)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("state changed by a failed operation:\nbefore: %+v\nafter:  %+v", before, after)
	}
}

// wantErr fails t unless err matches target with errors.Is.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", target)
	}
	if !errors.Is(err, target) {
		t.Fatalf("got error %q, want %v", err, target)
	}
}

// can asks whether user may do perm in workspace w and fails t on any
// error: a non-member, a deactivated member or a workspace of another
// organization is simply denied (false, nil), as Service.Can documents.
func (f *fixture) can(t *testing.T, user string, w uuid.UUID, perm roles.Permission) bool {
	t.Helper()
	return canIn(t, f.ctx, f.svc, f.org.ID, user, w, perm)
}

func canIn(t *testing.T, ctx context.Context, svc *membership.Service, org uuid.UUID, user string, w uuid.UUID, perm roles.Permission) bool {
	t.Helper()
	ok, err := svc.Can(ctx, org, user, w, perm)
	if err != nil {
		t.Fatalf("Can(%q, %s, %s): unexpected error %v", user, w, perm, err)
	}
	return ok
}

// canOrg is can at organization scope.
func (f *fixture) canOrg(t *testing.T, user string, perm roles.Permission) bool {
	t.Helper()
	ok, err := f.svc.CanOrg(f.ctx, f.org.ID, user, perm)
	if err != nil {
		t.Fatalf("CanOrg(%q, %s): unexpected error %v", user, perm, err)
	}
	return ok
}

// race runs n calls of fn at once, after a common start signal, and
// returns their errors by index.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			errs[i] = fn(i)
		}()
	}
	close(ready)
	wg.Wait()
	return errs
}

// tally counts errors: nil ones, and those matching each of kinds; other
// holds the first error matching none.
func tally(errs []error, kinds ...error) (ok int, per []int, other error) {
	per = make([]int, len(kinds))
next:
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		for i, k := range kinds {
			if errors.Is(err, k) {
				per[i]++
				continue next
			}
		}
		if other == nil {
			other = err
		}
	}
	return ok, per, other
}

// eventually polls cond for up to two seconds: delivery after commit may
// happen on another goroutine.
func eventually(cond func() bool) bool { return within(2*time.Second, cond) }

// within polls cond until it holds or d passes.
func within(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// advance moves page to the cursor next and reports whether there is a
// next page. It fails t when the cursor does not move, so that a store
// handing out the same page forever fails instead of hanging.
func advance(t *testing.T, page *storage.Page, next string) bool {
	t.Helper()
	if next == "" {
		return false
	}
	if next == page.After {
		t.Fatalf("the page cursor did not move: %q", next)
	}
	page.After = next
	return true
}

// newMembership is membership.New that fails t when New refuses o.
func newMembership(t testing.TB, st membership.Store, o membership.Options) *membership.Service {
	t.Helper()
	svc, err := membership.New(st, o)
	if err != nil {
		t.Fatalf("membership.New: %v", err)
	}
	return svc
}

// newInvite is invite.New that fails t when New refuses o.
func newInvite(t testing.TB, m *membership.Service, o invite.Options) *invite.Service {
	t.Helper()
	iv, err := invite.New(m, o)
	if err != nil {
		t.Fatalf("invite.New: %v", err)
	}
	return iv
}
