package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var bg = context.Background()

var errBoom = errors.New("boom")

func newID(t testing.TB) uuid.UUID {
	t.Helper()
	id, err := uuid.NewV7()
	require.NoError(t, err)
	return id
}

// newOrg creates an organization with one owner, "owner".
func newOrg(t testing.TB, st *memstore.Store) membership.Organization {
	t.Helper()
	now := time.Now().UTC()
	id := newID(t)
	org := membership.Organization{ID: id, Name: "Acme", Slug: "acme-" + id.String()[24:],
		Settings: membership.Settings{Domains: []string{"acme.com"}}, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, st.CreateOrganization(bg, org))
	require.NoError(t, st.InsertMember(bg, member(org.ID, "owner", roles.OrgOwner)))
	return org
}

func member(org uuid.UUID, user string, role roles.Role) membership.Member {
	return membership.Member{OrgID: org, UserID: user, Email: user + "@acme.com", Name: user,
		Role: role, Kind: membership.KindCoworker, JoinedAt: time.Now().UTC()}
}

func newWorkspace(t testing.TB, st *memstore.Store, org uuid.UUID, name string) membership.Workspace {
	t.Helper()
	ws := membership.Workspace{ID: newID(t), OrgID: org, Name: name, CreatedAt: time.Now().UTC()}
	require.NoError(t, st.CreateWorkspace(bg, ws))
	return ws
}

func access(org, ws uuid.UUID, user string, role roles.Role) membership.WorkspaceAccess {
	return membership.WorkspaceAccess{OrgID: org, WorkspaceID: ws, UserID: user, Role: role}
}

func audit(t testing.TB, org uuid.UUID, action string) membership.AuditEvent {
	return membership.AuditEvent{ID: newID(t), OrgID: org, Actor: "owner", Action: action,
		After: map[string]string{"k": "v"}, At: time.Now().UTC()}
}

func message(t testing.TB, org uuid.UUID, created time.Time) membership.Message {
	return membership.Message{ID: newID(t), OrgID: org, Channel: membership.ChannelEvents, Topic: "t",
		Payload: []byte(`{}`), CreatedAt: created, NextAttempt: created}
}

// writeEverything makes one change of every kind in org, through ctx.
func writeEverything(t *testing.T, ctx context.Context, st *memstore.Store, org membership.Organization) error {
	ws := membership.Workspace{ID: newID(t), OrgID: org.ID, Name: "Marketing"}
	steps := []func() error{
		func() error { return st.InsertMember(ctx, member(org.ID, "ann", roles.OrgMember)) },
		func() error { return st.CreateWorkspace(ctx, ws) },
		func() error {
			return st.SetAccess(ctx, access(org.ID, ws.ID, "ann", roles.WorkspaceViewer))
		},
		func() error {
			m := member(org.ID, "owner", roles.OrgAdmin)
			return st.UpdateMember(ctx, m)
		},
		func() error {
			org.Name = "Renamed"
			org.Slug = "renamed-" + org.ID.String()[24:]
			return st.UpdateOrganization(ctx, org)
		},
		func() error { return st.AppendAudit(ctx, audit(t, org.ID, "member.added")) },
		func() error { return st.Enqueue(ctx, message(t, org.ID, time.Now())) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// requireUntouched checks that org is as newOrg made it.
func requireUntouched(t *testing.T, st *memstore.Store, org membership.Organization) {
	t.Helper()
	got, err := st.Organization(bg, org.ID)
	require.NoError(t, err)
	require.Equal(t, "Acme", got.Name)
	_, err = st.OrganizationBySlug(bg, "renamed-"+org.ID.String()[24:])
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = st.Member(bg, org.ID, "ann")
	require.ErrorIs(t, err, storage.ErrNotFound)
	owner, err := st.Member(bg, org.ID, "owner")
	require.NoError(t, err)
	require.Equal(t, roles.OrgOwner, owner.Role)
	n, err := st.CountMembers(bg, org.ID, membership.MemberFilter{})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = st.CountMembers(bg, org.ID, membership.MemberFilter{Role: roles.OrgOwner})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	wss, _, err := st.Workspaces(bg, org.ID, storage.Page{})
	require.NoError(t, err)
	require.Empty(t, wss)
	events, _, err := st.Audit(bg, org.ID, membership.AuditFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Empty(t, events)
	msgs, err := st.Claim(bg, membership.ChannelEvents, time.Now().Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Empty(t, msgs)
	orgs, _, err := st.UserOrganizations(bg, "ann", storage.Page{})
	require.NoError(t, err)
	require.Empty(t, orgs)
	_, err = st.CheckAccess(bg, org.ID, "ann", uuid.Nil)
	require.ErrorIs(t, err, storage.ErrNotFound)
	a, err := st.CheckAccess(bg, org.ID, "owner", uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, roles.OrgOwner, a.Role)
}

func TestErrorRollsBackEverything(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	err := st.Transact(bg, func(ctx context.Context) error {
		require.NoError(t, writeEverything(t, ctx, st, org))
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	requireUntouched(t, st, org)
}

func TestPanicRollsBackAndPanicsOn(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	require.PanicsWithValue(t, "bad", func() {
		_ = st.Transact(bg, func(ctx context.Context) error {
			require.NoError(t, writeEverything(t, ctx, st, org))
			panic("bad")
		})
	})
	requireUntouched(t, st, org)
	// The writer lock was released: the next write goes through.
	require.NoError(t, st.InsertMember(bg, member(org.ID, "bob", roles.OrgMember)))
}

func TestCommitKeepsEverything(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	require.NoError(t, st.Transact(bg, func(ctx context.Context) error {
		return writeEverything(t, ctx, st, org)
	}))
	got, err := st.Organization(bg, org.ID)
	require.NoError(t, err)
	require.Equal(t, "Renamed", got.Name)
	_, err = st.OrganizationBySlug(bg, org.Slug)
	require.ErrorIs(t, err, storage.ErrNotFound, "the old slug is free")
	n, err := st.CountMembers(bg, org.ID, membership.MemberFilter{Role: roles.OrgOwner})
	require.NoError(t, err)
	require.Zero(t, n)
	events, _, err := st.Audit(bg, org.ID, membership.AuditFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, events, 1)
	msgs, err := st.Claim(bg, membership.ChannelEvents, time.Now().Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	wss, _, err := st.Workspaces(bg, org.ID, storage.Page{})
	require.NoError(t, err)
	require.Len(t, wss, 1)
	a, err := st.CheckAccess(bg, org.ID, "ann", wss[0].ID)
	require.NoError(t, err)
	require.Equal(t, membership.Access{Role: roles.OrgMember, WorkspaceRole: roles.WorkspaceViewer, WorkspaceFound: true}, a)
}

func TestFailedCallInsideTransactionChangesNothing(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	require.NoError(t, st.Transact(bg, func(ctx context.Context) error {
		require.ErrorIs(t, st.InsertMember(ctx, member(org.ID, "owner", roles.OrgMember)), storage.ErrConflict)
		require.ErrorIs(t, st.SetAccess(ctx, access(org.ID, newID(t), "owner", roles.WorkspaceViewer)), storage.ErrNotFound)
		return nil
	}))
	m, err := st.Member(bg, org.ID, "owner")
	require.NoError(t, err)
	require.Equal(t, roles.OrgOwner, m.Role)
}

func TestReadsOutsideTransactionSeeCommittedStateOnly(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	ws := newWorkspace(t, st, org.ID, "Marketing")
	// readOutside reads through a context without the transaction; it
	// returns the member list, the owner's access and the error of reading
	// "ann", and reports other errors by a nil member list.
	readOutside := func() (members []string, owner membership.Access, annErr error) {
		list, _, err := st.Members(bg, org.ID, membership.MemberFilter{}, storage.Page{})
		if err != nil {
			return nil, owner, err
		}
		for _, m := range list {
			members = append(members, m.UserID)
		}
		_, annErr = st.Member(bg, org.ID, "ann")
		if owner, err = st.CheckAccess(bg, org.ID, "owner", ws.ID); err != nil {
			return nil, owner, err
		}
		return members, owner, annErr
	}
	for _, commit := range []bool{false, true} {
		t.Run(fmt.Sprint("Commit=", commit), func(t *testing.T) {
			started := make(chan struct{})
			var (
				members []string
				owner   membership.Access
				annErr  error
			)
			done := make(chan struct{})
			err := st.Transact(bg, func(ctx context.Context) error {
				// Before the first change, reads outside do not wait.
				members, _, _ = readOutside()
				require.Equal(t, []string{"owner"}, members)

				require.NoError(t, st.InsertMember(ctx, member(org.ID, "ann", roles.OrgMember)))
				require.NoError(t, st.SetAccess(ctx, access(org.ID, ws.ID, "ann", roles.WorkspaceAdmin)))
				require.NoError(t, st.SetAccess(ctx, access(org.ID, ws.ID, "owner", roles.WorkspaceViewer)))

				// The transaction sees its own changes…
				_, err := st.Member(ctx, org.ID, "ann")
				require.NoError(t, err)
				a, err := st.CheckAccess(ctx, org.ID, "ann", ws.ID)
				require.NoError(t, err)
				require.Equal(t, roles.WorkspaceAdmin, a.WorkspaceRole)
				n, err := st.CountMembers(ctx, org.ID, membership.MemberFilter{})
				require.NoError(t, err)
				require.Equal(t, 2, n)

				// …checks outside do not, and do not wait…
				_, err = st.CheckAccess(bg, org.ID, "ann", ws.ID)
				require.ErrorIs(t, err, storage.ErrNotFound)
				a, err = st.CheckAccess(bg, org.ID, "owner", ws.ID)
				require.NoError(t, err)
				require.Equal(t, roles.Role(""), a.WorkspaceRole)

				// …and other reads outside wait for the end.
				go func() {
					defer close(done)
					close(started)
					members, owner, annErr = readOutside()
				}()
				<-started
				time.Sleep(20 * time.Millisecond)
				select {
				case <-done:
					t.Error("a read outside the transaction did not wait for it")
				default:
				}
				if !commit {
					return errBoom
				}
				return nil
			})
			<-done
			if !commit {
				require.ErrorIs(t, err, errBoom)
				require.Equal(t, []string{"owner"}, members)
				require.ErrorIs(t, annErr, storage.ErrNotFound)
				require.Equal(t, roles.Role(""), owner.WorkspaceRole)
				return
			}
			require.NoError(t, err)
			require.Equal(t, []string{"ann", "owner"}, members)
			require.NoError(t, annErr)
			require.Equal(t, roles.WorkspaceViewer, owner.WorkspaceRole)
			_, err = st.CheckAccess(bg, org.ID, "ann", ws.ID)
			require.NoError(t, err, "allowed as soon as Transact returns")
		})
	}
}

func TestTransactionsAreSerialized(t *testing.T) {
	// Each transaction reads the count, then inserts if there is room: a
	// seat check. Serialized, exactly `seats` of them succeed.
	st := memstore.New()
	org := newOrg(t, st)
	const seats, workers = 10, 40
	errFull := errors.New("full")
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			errs[i] = st.Transact(bg, func(ctx context.Context) error {
				if _, err := st.LockOrganization(ctx, org.ID); err != nil {
					return err
				}
				n, err := st.CountMembers(ctx, org.ID, membership.MemberFilter{})
				if err != nil {
					return err
				}
				if n >= seats {
					return errFull
				}
				if err := st.InsertMember(ctx, member(org.ID, fmt.Sprintf("user-%02d", i), roles.OrgMember)); err != nil {
					return err
				}
				return st.AppendAudit(ctx, audit(t, org.ID, "member.added"))
			})
		})
	}
	// Readers run meanwhile, against committed state.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := st.CountMembers(bg, org.ID, membership.MemberFilter{})
				assert.NoError(t, err)
				assert.LessOrEqual(t, n, seats)
				_, _ = st.CheckAccess(bg, org.ID, "user-01", uuid.Nil)
				_, _, err = st.Members(bg, org.ID, membership.MemberFilter{}, storage.Page{Limit: 5})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			require.ErrorIs(t, err, errFull)
		}
	}
	require.Equal(t, seats-1, ok)
	n, err := st.CountMembers(bg, org.ID, membership.MemberFilter{})
	require.NoError(t, err)
	require.Equal(t, seats, n)
	events, _, err := st.Audit(bg, org.ID, membership.AuditFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, events, seats-1)
}

func TestContextEndsTransaction(t *testing.T) {
	t.Run("CancelledBeforeStartRunsNothing", func(t *testing.T) {
		st := memstore.New()
		ctx, cancel := context.WithCancel(bg)
		cancel()
		ran := false
		err := st.Transact(ctx, func(context.Context) error { ran = true; return nil })
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ran)
	})
	t.Run("CancelledBeforeCommitRollsBack", func(t *testing.T) {
		st := memstore.New()
		org := newOrg(t, st)
		ctx, cancel := context.WithCancel(bg)
		err := st.Transact(ctx, func(ctx context.Context) error {
			require.NoError(t, writeEverything(t, ctx, st, org))
			cancel()
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
		requireUntouched(t, st, org)
	})
	t.Run("WaitingWriterGivesUp", func(t *testing.T) {
		st := memstore.New()
		org := newOrg(t, st)
		inside, release := make(chan struct{}), make(chan struct{})
		done := make(chan error)
		go func() {
			done <- st.Transact(bg, func(context.Context) error {
				close(inside)
				<-release
				return nil
			})
		}()
		<-inside
		ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
		defer cancel()
		err := st.InsertMember(ctx, member(org.ID, "ann", roles.OrgMember))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		close(release)
		require.NoError(t, <-done)
		_, err = st.Member(bg, org.ID, "ann")
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}

func TestStaleTransactionContextActsAlone(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	var stale context.Context
	require.NoError(t, st.Transact(bg, func(ctx context.Context) error {
		stale = ctx
		return nil
	}))
	require.NoError(t, st.InsertMember(stale, member(org.ID, "ann", roles.OrgMember)))
	_, err := st.Member(bg, org.ID, "ann")
	require.NoError(t, err)
}

func TestCheckAccessFollowsCommits(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	other := newOrg(t, st)
	ws := newWorkspace(t, st, org.ID, "Marketing")
	ws2 := newWorkspace(t, st, org.ID, "Sales")
	otherWs := newWorkspace(t, st, other.ID, "Theirs")
	require.NoError(t, st.InsertMember(bg, member(org.ID, "ann", roles.OrgMember)))
	require.NoError(t, st.SetAccess(bg, access(org.ID, ws.ID, "ann", roles.WorkspaceContributor)))

	check := func(user string, w uuid.UUID) membership.Access {
		t.Helper()
		a, err := st.CheckAccess(bg, org.ID, user, w)
		require.NoError(t, err)
		return a
	}
	require.Equal(t, membership.Access{Role: roles.OrgMember, WorkspaceRole: roles.WorkspaceContributor, WorkspaceFound: true}, check("ann", ws.ID))
	require.Equal(t, membership.Access{Role: roles.OrgMember, WorkspaceFound: true}, check("ann", ws2.ID))
	require.Equal(t, membership.Access{Role: roles.OrgMember}, check("ann", otherWs.ID), "another organization's workspace is not found")
	require.Equal(t, membership.Access{Role: roles.OrgOwner, WorkspaceFound: true}, check("owner", ws.ID))
	require.Equal(t, membership.Access{Role: roles.OrgMember}, check("ann", uuid.Nil))
	_, err := st.CheckAccess(bg, other.ID, "ann", uuid.Nil)
	require.ErrorIs(t, err, storage.ErrNotFound, "a member of one organization is not one of another")

	m := member(org.ID, "ann", roles.OrgAdmin)
	m.Grants = roles.Grants(roles.PermBilling)
	m.Deactivated = true
	require.NoError(t, st.UpdateMember(bg, m))
	require.Equal(t, membership.Access{Role: roles.OrgAdmin, Grants: m.Grants, Deactivated: true,
		WorkspaceRole: roles.WorkspaceContributor, WorkspaceFound: true}, check("ann", ws.ID))

	require.NoError(t, st.SetAccess(bg, access(org.ID, ws.ID, "ann", roles.WorkspaceViewer)))
	require.Equal(t, roles.WorkspaceViewer, check("ann", ws.ID).WorkspaceRole)
	require.NoError(t, st.DeleteAccess(bg, org.ID, ws.ID, "ann"))
	require.Equal(t, roles.Role(""), check("ann", ws.ID).WorkspaceRole)
	require.ErrorIs(t, st.DeleteAccess(bg, org.ID, ws.ID, "ann"), storage.ErrNotFound)

	require.NoError(t, st.SetAccess(bg, access(org.ID, ws2.ID, "ann", roles.WorkspaceAdmin)))
	require.NoError(t, st.DeleteWorkspace(bg, org.ID, ws2.ID))
	require.Equal(t, membership.Access{Role: roles.OrgAdmin, Grants: m.Grants, Deactivated: true}, check("ann", ws2.ID))

	require.NoError(t, st.DeleteMember(bg, org.ID, "ann"))
	_, err = st.CheckAccess(bg, org.ID, "ann", ws.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)

	require.NoError(t, st.DeleteOrganization(bg, org.ID))
	_, err = st.CheckAccess(bg, org.ID, "owner", uuid.Nil)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = st.CheckAccess(bg, other.ID, "owner", otherWs.ID)
	require.NoError(t, err, "the other organization is untouched")
}

func TestCheckAccessManyWorkspaces(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	require.NoError(t, st.InsertMember(bg, member(org.ID, "ann", roles.OrgMember)))
	var wss []membership.Workspace
	for i := range 40 {
		ws := newWorkspace(t, st, org.ID, fmt.Sprintf("ws-%02d", i))
		wss = append(wss, ws)
		if i%2 == 0 {
			require.NoError(t, st.SetAccess(bg, access(org.ID, ws.ID, "ann", roles.WorkspaceViewer)))
		}
	}
	for i, ws := range wss {
		a, err := st.CheckAccess(bg, org.ID, "ann", ws.ID)
		require.NoError(t, err)
		require.True(t, a.WorkspaceFound)
		require.Equal(t, i%2 == 0, a.WorkspaceRole == roles.WorkspaceViewer, "workspace %d", i)
	}
}

func TestCheckAccessAllocatesNothing(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	ws := newWorkspace(t, st, org.ID, "Marketing")
	require.NoError(t, st.InsertMember(bg, member(org.ID, "ann", roles.OrgMember)))
	require.NoError(t, st.SetAccess(bg, access(org.ID, ws.ID, "ann", roles.WorkspaceViewer)))
	ctx, cancel := context.WithCancel(context.WithValue(bg, struct{ k int }{1}, "request"))
	defer cancel()
	cases := map[string]struct {
		user string
		ws   uuid.UUID
	}{
		"Allowed":   {"ann", ws.ID},
		"NoAccess":  {"ann", newID(t)},
		"OrgScope":  {"ann", uuid.Nil},
		"Implicit":  {"owner", ws.ID},
		"NonMember": {"nobody", ws.ID},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(1000, func() {
				_, _ = st.CheckAccess(ctx, org.ID, c.user, c.ws)
			})
			require.Zero(t, allocs)
		})
	}
}

func TestReturnedValuesShareNoMemory(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	got, err := st.Organization(bg, org.ID)
	require.NoError(t, err)
	got.Settings.Domains[0] = "evil.com"
	again, err := st.Organization(bg, org.ID)
	require.NoError(t, err)
	require.Equal(t, "acme.com", again.Settings.Domains[0])

	e := audit(t, org.ID, "x")
	require.NoError(t, st.AppendAudit(bg, e))
	e.After["k"] = "changed"
	list, _, err := st.Audit(bg, org.ID, membership.AuditFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Equal(t, "v", list[0].After["k"])

	m := message(t, org.ID, time.Now())
	require.NoError(t, st.Enqueue(bg, m))
	m.Payload[0] = 'X'
	msgs, err := st.Claim(bg, m.Channel, time.Now(), time.Minute, 1)
	require.NoError(t, err)
	require.Equal(t, `{}`, string(msgs[0].Payload))
}

// TestFullLastPageHasNoNextCursor: memstore knows when a page is the last
// one even when it is full, so it never returns a cursor to an empty page
// (the store contract allows one).
func TestFullLastPageHasNoNextCursor(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	ws := newWorkspace(t, st, org.ID, "Marketing")
	for i := range 9 {
		u := fmt.Sprintf("user-%d", i)
		require.NoError(t, st.InsertMember(bg, member(org.ID, u, roles.OrgMember)))
		require.NoError(t, st.SetAccess(bg, access(org.ID, ws.ID, u, roles.WorkspaceViewer)))
	}
	rows, next, err := st.WorkspaceAccessList(bg, org.ID, ws.ID, storage.Page{Limit: 9})
	require.NoError(t, err)
	require.Len(t, rows, 9)
	require.Empty(t, next)
}

func TestInTransaction(t *testing.T) {
	st := memstore.New()
	other := memstore.New()
	require.False(t, st.InTransaction(bg))
	var stale context.Context
	require.NoError(t, st.Transact(bg, func(ctx context.Context) error {
		stale = ctx
		require.True(t, st.InTransaction(ctx))
		require.False(t, other.InTransaction(ctx), "another store's transaction is not joined")
		require.False(t, st.InTransaction(bg))
		return nil
	}))
	require.False(t, st.InTransaction(stale), "an ended transaction")
}

func TestCheckAccessWithManyMembers(t *testing.T) {
	// Enough members to grow the index several times, with checks running
	// meanwhile.
	st := memstore.New()
	org := newOrg(t, st)
	other := newOrg(t, st)
	user := func(i int) string { return fmt.Sprintf("user-%04d", i) }
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if a, err := st.CheckAccess(bg, org.ID, user(i%1200), uuid.Nil); err == nil {
				assert.Contains(t, []roles.Role{roles.OrgMember, roles.OrgAdmin}, a.Role)
			}
		}
	})
	require.NoError(t, st.Transact(bg, func(ctx context.Context) error {
		for i := range 600 {
			if err := st.InsertMember(ctx, member(org.ID, user(i), roles.OrgMember)); err != nil {
				return err
			}
		}
		return nil
	}))
	for i := 600; i < 1200; i++ {
		require.NoError(t, st.InsertMember(bg, member(org.ID, user(i), roles.OrgMember)))
	}
	for i := 0; i < 1200; i += 3 {
		require.NoError(t, st.DeleteMember(bg, org.ID, user(i)))
	}
	for i := 1; i < 1200; i += 3 {
		require.NoError(t, st.UpdateMember(bg, member(org.ID, user(i), roles.OrgAdmin)))
	}
	close(stop)
	readers.Wait()
	for i := range 1200 {
		a, err := st.CheckAccess(bg, org.ID, user(i), uuid.Nil)
		switch i % 3 {
		case 0:
			require.ErrorIs(t, err, storage.ErrNotFound, user(i))
		case 1:
			require.NoError(t, err)
			require.Equal(t, roles.OrgAdmin, a.Role, user(i))
		case 2:
			require.NoError(t, err)
			require.Equal(t, roles.OrgMember, a.Role, user(i))
		}
		_, err = st.CheckAccess(bg, other.ID, user(i), uuid.Nil)
		require.ErrorIs(t, err, storage.ErrNotFound)
	}
	_, err := st.CheckAccess(bg, other.ID, "owner", uuid.Nil)
	require.NoError(t, err)
}
