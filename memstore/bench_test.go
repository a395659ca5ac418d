package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// fixture is the organization of shared/bench/WORKLOAD.md: n members, 20
// workspaces, each member with access to 3 of them; 2 owners, 10 admins,
// 10 % guests.
type fixture struct {
	st         *memstore.Store
	org        uuid.UUID
	workspaces []uuid.UUID
	n          int
}

var wsRoles = []roles.Role{ // viewer 50 %, contributor 30 %, plus 10 %, admin 10 %
	roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer,
	roles.WorkspaceContributor, roles.WorkspaceContributor, roles.WorkspaceContributor,
	roles.WorkspaceContributorPlus, roles.WorkspaceAdmin,
}

func userID(i int) string { return fmt.Sprintf("user-%07d", i) }

func newFixture(b *testing.B, n int) *fixture {
	b.Helper()
	st := memstore.New()
	f := &fixture{st: st, n: n}
	now := time.Now().UTC()
	// load creates an organization of n members, 10 000 per transaction.
	load := func(org uuid.UUID, slug string, n int) []uuid.UUID {
		ctx := context.Background()
		if err := st.CreateOrganization(ctx, membership.Organization{ID: org, Name: slug, Slug: slug, CreatedAt: now, UpdatedAt: now}); err != nil {
			b.Fatal(err)
		}
		var wss []uuid.UUID
		for i := range 20 {
			ws := membership.Workspace{ID: newID(b), OrgID: org, Name: fmt.Sprint("ws-", i), CreatedAt: now}
			if err := st.CreateWorkspace(ctx, ws); err != nil {
				b.Fatal(err)
			}
			wss = append(wss, ws.ID)
		}
		for from := 0; from < n; from += 10_000 {
			err := st.Transact(ctx, func(ctx context.Context) error {
				for i := from; i < min(from+10_000, n); i++ {
					m := membership.Member{OrgID: org, UserID: userID(i), Email: userID(i) + "@acme.com",
						Role: roles.OrgMember, Kind: membership.KindCoworker, JoinedAt: now}
					switch {
					case i < 2:
						m.Role = roles.OrgOwner
					case i < 12:
						m.Role = roles.OrgAdmin
					case i%10 == 0:
						m.Role, m.Kind = roles.OrgGuest, membership.KindGuest
					}
					if err := st.InsertMember(ctx, m); err != nil {
						return err
					}
					for j := range 3 {
						a := membership.WorkspaceAccess{OrgID: org, WorkspaceID: wss[(i+j)%20], UserID: m.UserID,
							Role: wsRoles[(i+j)%len(wsRoles)], GrantedAt: now}
						if err := st.SetAccess(ctx, a); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		return wss
	}
	load(newID(b), "other", 1000)
	f.org = newID(b)
	f.workspaces = load(f.org, "acme", n)
	return f
}

var sizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"100k", 100_000}, {"1M", 1_000_000}}

func skipLarge(b *testing.B, n int) {
	if n > 100_000 && testing.Short() {
		b.Skip("1M members: skipped under -short")
	}
}

// BenchmarkFloor is the physical floor of a permission check: a plain map
// keyed by what a check is given, then a bit test, no lock.
func BenchmarkFloor(b *testing.B) {
	type key struct {
		user string
		ws   uuid.UUID
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"1k", 1_000}, {"1M", 1_000_000}} {
		b.Run(size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			m := make(map[key]uint64, size.n)
			ws := newID(b)
			for i := range size.n {
				m[key{userID(i), ws}] = uint64(i) | 1<<20
			}
			user := userID(size.n / 2)
			b.ReportAllocs()
			b.ResetTimer()
			ok := false
			for b.Loop() {
				ok = m[key{user, ws}]&(1<<20) != 0
			}
			if !ok {
				b.Fatal("floor lookup failed")
			}
		})
	}
}

// BenchmarkCheckAccess is the store's part of Service.Can on memstore: the
// look-up, without the catalog's bit arithmetic that follows it. Compare
// with BenchmarkFloor in the same run.
func BenchmarkCheckAccess(b *testing.B) {
	for _, size := range sizes[:2] {
		b.Run(size.name, func(b *testing.B) {
			f := newFixture(b, size.n)
			i := size.n/2 + 1 // not a multiple of 10: a member, not a guest
			ctx := context.Background()
			cat := roles.Default()
			cases := []struct {
				name string
				user string
				ws   uuid.UUID
				want bool
			}{
				{"allow", userID(i), f.workspaces[i%20], true},
				{"deny", userID(i), f.workspaces[(i+10)%20], false},
				{"org-admin", userID(5), f.workspaces[(5+10)%20], true},
				{"non-member", "stranger", f.workspaces[0], false},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var (
						a   membership.Access
						err error
					)
					for b.Loop() {
						a, err = f.st.CheckAccess(ctx, f.org, c.user, c.ws)
					}
					ok := err == nil && !a.Deactivated && a.WorkspaceFound &&
						cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole).Has(roles.PermView)
					if ok != c.want {
						b.Fatalf("check = %v, want %v", ok, c.want)
					}
				})
			}
		})
	}
}

// BenchmarkCheckAccessParallel shows that checks share no lock: ns/op
// should fall with GOMAXPROCS (compare -cpu 1,2).
func BenchmarkCheckAccessParallel(b *testing.B) {
	f := newFixture(b, 1_000)
	ctx := context.Background()
	users := make([]string, f.n)
	for i := range users {
		users[i] = userID(i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			u := i % f.n
			if _, err := f.st.CheckAccess(ctx, f.org, users[u], f.workspaces[u%20]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMembersPage lists a page of 50 members at the start and at 90 %
// of the organization: the cost should not depend on either.
func BenchmarkMembersPage(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			skipLarge(b, size.n)
			f := newFixture(b, size.n)
			ctx := context.Background()
			for _, at := range []struct {
				name  string
				after string
			}{{"first", ""}, {"deep", storage.Cursor(userID(size.n * 9 / 10))}} {
				b.Run(at.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						list, _, err := f.st.Members(ctx, f.org, membership.MemberFilter{}, storage.Page{After: at.after, Limit: 50})
						if err != nil || len(list) != 50 {
							b.Fatal(len(list), err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkRemoveMember removes a member with 3 workspaces and puts it
// back, in one transaction each (stopping the timer for the second would
// cost more than both): the cost should not depend on the size of the
// organization.
func BenchmarkRemoveMember(b *testing.B) {
	for _, size := range sizes[:2] {
		b.Run(size.name, func(b *testing.B) {
			f := newFixture(b, size.n)
			ctx := context.Background()
			u := userID(size.n / 2)
			m, err := f.st.Member(ctx, f.org, u)
			if err != nil {
				b.Fatal(err)
			}
			acc, err := f.st.MemberAccess(ctx, f.org, u)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := f.st.DeleteMember(ctx, f.org, u); err != nil {
					b.Fatal(err)
				}
				err := f.st.Transact(ctx, func(ctx context.Context) error {
					if err := f.st.InsertMember(ctx, m); err != nil {
						return err
					}
					for _, a := range acc {
						if err := f.st.SetAccess(ctx, a); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
