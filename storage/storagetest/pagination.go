package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testPagination checks keyset pagination through the Service: page sizes,
// cursors, filters, and stability while the list changes.
func testPagination(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("MemberPagesHaveNoDuplicatesOrGaps", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		want := []string{f.owner}
		want = append(want, f.insertMembers(t, "m", 120, roles.OrgMember)...)
		sort.Strings(want)
		var got []string
		pages := 0
		page := storage.Page{Limit: 7}
		for {
			ms, next, err := f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, page)
			is.NoErr(err)
			is.True(len(ms) <= 7)
			for _, m := range ms {
				got = append(got, m.UserID)
			}
			pages++
			if next == "" {
				break
			}
			is.True(next != page.After) // the cursor moves
			page.After = next
		}
		is.Equal(got, want) // every member once, ordered by user ID
		is.True(pages >= 18)
	})

	t.Run("PageSizeDefaultsTo50AndIsCappedAt500", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.insertMembers(t, "m", 520, roles.OrgMember)
		ms, next, err := f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(ms), storage.DefaultPageSize)
		is.True(next != "")
		ms, next, err = f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, storage.Page{Limit: 100000})
		is.NoErr(err)
		is.Equal(len(ms), storage.MaxPageSize)
		is.True(next != "")
		ms, next, err = f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, storage.Page{After: next, Limit: storage.MaxPageSize})
		is.NoErr(err)
		is.Equal(len(ms), 21) // 521 members with the owner
		is.Equal(next, "")    // the last page says so
		_, _, err = f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, storage.Page{Limit: -1})
		wantErr(t, err, storage.ErrInvalidCursor)

		es, _, err := f.svc.Audit(f.ctx, f.owner, f.org.ID, membership.AuditFilter{}, storage.Page{})
		is.NoErr(err)
		is.True(len(es) <= storage.DefaultPageSize)
	})

	t.Run("InvalidCursorsAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		for _, after := range []string{"!!not a cursor!!", "AA", "eyJ4IjoxfQ", "\xff"} {
			page := storage.Page{After: after}
			for name, call := range map[string]func() error{
				"Members": func() error {
					_, _, err := f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, page)
					return err
				},
				"Audit": func() error {
					_, _, err := f.svc.Audit(f.ctx, f.owner, f.org.ID, membership.AuditFilter{}, page)
					return err
				},
				"Workspaces": func() error {
					_, _, err := f.svc.Workspaces(f.ctx, f.owner, f.org.ID, page)
					return err
				},
				"WorkspaceMembers": func() error {
					_, _, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, w.ID, page)
					return err
				},
				"Organizations": func() error {
					_, _, err := f.svc.Organizations(f.ctx, f.owner, page)
					return err
				},
			} {
				if err := call(); !errors.Is(err, storage.ErrInvalidCursor) {
					t.Errorf("%s after %q: got %v, want ErrInvalidCursor", name, after, err)
				}
			}
		}
	})

	t.Run("MemberPagesAreStableWhileMembersComeAndGo", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		var original []string
		for i := range 60 {
			original = append(original, fmt.Sprintf("m-%03d", 2*i))
		}
		f.insertUsers(t, original, roles.OrgMember)
		original = append(original, f.owner)

		// Meanwhile, another writer keeps adding members.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				select {
				case <-stop:
					return
				default:
				}
				u := fmt.Sprintf("m-%03dc%03d", (i*7)%120, i) // anywhere in the listed range
				if err := f.st.InsertMember(context.WithoutCancel(f.ctx), rawMember(f.org.ID, u, roles.OrgMember)); err != nil {
					t.Errorf("concurrent InsertMember: %v", err)
					return
				}
			}
		}()

		seen := make(map[string]int)
		deleted := make(map[string]bool)
		var last string
		page := storage.Page{Limit: 10}
		for round := 0; ; round++ {
			ms, next, err := f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, page)
			is.NoErr(err)
			for _, m := range ms {
				if m.UserID <= last {
					t.Fatalf("page out of order: %q after %q", m.UserID, last)
				}
				last = m.UserID
				seen[m.UserID]++
			}
			if next == "" {
				break
			}
			// Between pages: members join in between the already-listed
			// ones and ahead, and already-listed members leave.
			f.insertUsers(t, []string{fmt.Sprintf("m-%03d", 2*round+1), fmt.Sprintf("m-%03da", 2*round+40)}, roles.OrgMember)
			if len(ms) > 0 && ms[0].UserID != f.owner {
				is.NoErr(f.st.DeleteMember(f.ctx, f.org.ID, ms[0].UserID))
				deleted[ms[0].UserID] = true
			}
			advance(t, &page, next)
		}
		close(stop)
		wg.Wait()
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s listed %d times", id, n)
			}
		}
		for _, id := range original {
			if seen[id] != 1 && !deleted[id] {
				t.Errorf("%s, present throughout, was skipped", id)
			}
		}
	})

	t.Run("AuditPagesAreInOrderWhileEventsArrive", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		for i := range 25 {
			f.add(t, fmt.Sprintf("u%02d", i), roles.OrgMember)
		}
		want := f.audit(t)
		var got []uuid.UUID
		page := storage.Page{Limit: 4}
		for i := 0; ; i++ {
			es, next, err := f.svc.Audit(f.ctx, f.owner, f.org.ID, membership.AuditFilter{}, page)
			is.NoErr(err)
			for _, e := range es {
				got = append(got, e.ID)
			}
			if next == "" {
				break
			}
			if i < 5 {
				f.add(t, fmt.Sprintf("late%02d", i), roles.OrgMember) // new events arrive at the end
			}
			advance(t, &page, next)
		}
		is.Equal(len(got), len(want)+5)
		for i, e := range want {
			is.Equal(got[i], e.ID) // the events that existed come first, in order, once
		}
		for i := 1; i < len(got); i++ {
			if string(got[i-1][:]) >= string(got[i][:]) {
				t.Fatalf("audit page out of order at %d", i)
			}
		}
	})

	t.Run("WorkspacePagesHaveNoDuplicatesOrGaps", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		var want []uuid.UUID
		for i := range 23 {
			want = append(want, f.workspace(t, fmt.Sprintf("w%02d", i)).ID)
		}
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 5}
		for {
			wss, next, err := f.svc.Workspaces(f.ctx, f.owner, f.org.ID, page)
			is.NoErr(err)
			for _, w := range wss {
				got = append(got, w.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want)
	})

	t.Run("WorkspaceMemberPagesHaveNoDuplicatesOrGaps", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		var want []string
		for i := range 15 {
			u := fmt.Sprintf("u%02d", 14-i)
			f.add(t, u, roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
			want = append(want, u)
		}
		f.add(t, "outsider", roles.OrgMember)
		sort.Strings(want)
		want = append([]string{f.owner}, want...) // owners and admins come first
		var got []string
		page := storage.Page{Limit: 4}
		for {
			wms, next, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, w.ID, page)
			is.NoErr(err)
			for _, m := range wms {
				got = append(got, m.UserID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want)
	})

	t.Run("FiltersWorkAcrossPages", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"example.com"}}))
		w := f.workspace(t, "W")
		var admins, guests, inW, licensed, prefixed []string
		for i := range 12 {
			u := fmt.Sprintf("u%02d", i)
			nm := membership.NewMember{UserID: u, Email: email(u), Name: "Person " + u, Role: roles.OrgMember}
			switch i % 4 {
			case 0:
				nm.Role = roles.OrgAdmin
				admins = append(admins, u)
			case 1:
				nm.Email, nm.Role = u+"@partner.io", ""
				guests = append(guests, u)
			case 2:
				nm.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}
				inW = append(inW, u)
			case 3:
				nm.Licensed = true
				licensed = append(licensed, u)
				nm.Name = "Zed " + u
				prefixed = append(prefixed, u)
			}
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, nm)
			is.NoErr(err)
		}
		all := func(filter membership.MemberFilter) []string {
			var out []string
			page := storage.Page{Limit: 2}
			for {
				ms, next, err := f.svc.Members(f.ctx, f.owner, f.org.ID, filter, page)
				is.NoErr(err)
				for _, m := range ms {
					out = append(out, m.UserID)
				}
				if !advance(t, &page, next) {
					return out
				}
			}
		}
		is.Equal(all(membership.MemberFilter{Role: roles.OrgAdmin}), admins)
		is.Equal(all(membership.MemberFilter{Kind: membership.KindGuest}), guests)
		is.Equal(all(membership.MemberFilter{Workspace: w.ID}), inW)
		is.Equal(all(membership.MemberFilter{Prefix: "zED"}), prefixed)
		owners := all(membership.MemberFilter{LicensedOnly: true})
		var lic []string
		for _, u := range owners {
			if u != f.owner { // the owner may hold a licence from the start
				lic = append(lic, u)
			}
		}
		is.Equal(lic, licensed)
	})
}

// insertMembers stores n members named prefix-0000… straight into the store
// and returns their user IDs.
func (f *fixture) insertMembers(t *testing.T, prefix string, n int, role roles.Role) []string {
	t.Helper()
	users := make([]string, n)
	for i := range n {
		users[i] = fmt.Sprintf("%s-%04d", prefix, i)
	}
	f.insertUsers(t, users, role)
	return users
}

// insertUsers stores members straight into the store, in one transaction.
func (f *fixture) insertUsers(t *testing.T, users []string, role roles.Role) {
	t.Helper()
	err := f.st.Transact(f.ctx, func(ctx context.Context) error {
		for _, u := range users {
			if err := f.st.InsertMember(ctx, rawMember(f.org.ID, u, role)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("inserting members: %v", err)
	}
}
