package sqlstore

import (
	"context"
	"fmt"
	"os"
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

// The benchmarks follow the workload of internal/benchmarks on every dialect whose
// database is available: SQLite (a WAL file), PostgreSQL and MySQL when
// ROSTER_POSTGRES_DSN / ROSTER_MYSQL_DSN are set. Fixtures are built once
// per run and dialect, with multi-row INSERTs, and dropped when the run
// ends.

// benchDialects are the databases the benchmarks run on.
var benchDialects = []string{"sqlite", "postgres", "mysql"}

// benchSizes are the organization sizes; 1M only on SQLite and PostgreSQL
// (as the workload says) and not under -short.
var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// fixture is the workload's organization "acme" with n members on one
// database, beside "other" with 1 000.
type fixture struct {
	st         *Store
	svc        *membership.Service
	org        uuid.UUID
	workspaces []uuid.UUID
	n          int
}

var (
	fixMu     sync.Mutex
	fixStores = map[string]*Store{}   // one database per dialect per run
	fixtures  = map[string]*fixture{} // by dialect and size
)

// closeFixtures drops and closes what the benchmarks built; TestMain calls
// it after the run.
func closeFixtures() {
	fixMu.Lock()
	defer fixMu.Unlock()
	for name, st := range fixStores {
		if st.d != SQLite {
			if err := dropTables(st, st.prefix); err != nil {
				fmt.Fprintf(os.Stderr, "dropping benchmark tables of %s: %v\n", name, err)
			}
		}
		_ = st.Close()
		delete(fixStores, name)
	}
	for _, dir := range fixDirs {
		_ = os.RemoveAll(dir)
	}
	fixDirs = nil
	clear(fixtures)
}

var fixDirs []string

// benchStore returns the run's store for dialect, or skips b.
func benchStore(b *testing.B, dialect string) *Store {
	b.Helper()
	fixMu.Lock()
	defer fixMu.Unlock()
	if st := fixStores[dialect]; st != nil {
		return st
	}
	ctx := context.Background()
	var (
		st  *Store
		err error
	)
	switch dialect {
	case "sqlite":
		dir, derr := os.MkdirTemp("", "roster-bench-")
		if derr != nil {
			b.Fatal(derr)
		}
		fixDirs = append(fixDirs, dir)
		st, err = testOpen(ctx, "sqlite", dir+"/bench.db")
	default:
		env := map[string]string{"postgres": envPostgres, "mysql": envMySQL, "galera": envGaleraDSNs}[dialect]
		dsn, _, _ := strings.Cut(os.Getenv(env), " ") // Galera: the first node
		if dsn == "" {
			b.Skipf("%s is not set", env)
		}
		driver := dialect
		if dialect == "galera" {
			driver = "mysql"
		}
		st, err = testOpen(ctx, driver, dsn, TablePrefix("bench"+strings.ToLower(randText(6))+"_"))
	}
	if err != nil {
		b.Fatalf("open %s: %v", dialect, err)
	}
	fixStores[dialect] = st
	return st
}

func randText(n int) string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:n] }

var wsRoles = []roles.Role{ // viewer 50 %, contributor 30 %, plus 10 %, admin 10 %
	roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer, roles.WorkspaceViewer,
	roles.WorkspaceContributor, roles.WorkspaceContributor, roles.WorkspaceContributor,
	roles.WorkspaceContributorPlus, roles.WorkspaceAdmin,
}

func userID(i int) string { return fmt.Sprintf("user-%07d", i) }

// benchFixture returns the fixture of n members on dialect, building it
// the first time.
func benchFixture(b *testing.B, dialect string, n int) *fixture {
	b.Helper()
	if n > 100_000 && (testing.Short() || dialect == "mysql" || dialect == "galera") {
		b.Skip("1M members: SQLite and PostgreSQL only, not under -short")
	}
	st := benchStore(b, dialect)
	key := fmt.Sprint(dialect, "/", n)
	fixMu.Lock()
	defer fixMu.Unlock()
	if f := fixtures[key]; f != nil {
		return f
	}
	svc, err := membership.New(st, membership.Options{DeferDelivery: true})
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{st: st, n: n, svc: svc}
	loadOrg(b, st, "other-"+randText(8), 1000)
	f.org, f.workspaces = loadOrg(b, st, "acme-"+randText(8), n)
	fixtures[key] = f
	return f
}

// loadOrg inserts an organization with n members, 20 workspaces and 3
// access rows per member, in batches of multi-row INSERTs.
func loadOrg(b *testing.B, st *Store, slug string, n int) (uuid.UUID, []uuid.UUID) {
	b.Helper()
	ctx := context.Background()
	now := encTime(time.Now())
	org := uuid.Must(uuid.NewV7())
	must := func(err error) {
		if err != nil {
			b.Fatalf("loading %s: %v", slug, err)
		}
	}
	must(st.CreateOrganization(ctx, membership.Organization{ID: org, Name: slug, Slug: slug,
		CreatedAt: time.Now(), UpdatedAt: time.Now()}))
	wss := make([]uuid.UUID, 20)
	for i := range wss {
		wss[i] = uuid.Must(uuid.NewV7())
		must(st.CreateWorkspace(ctx, membership.Workspace{ID: wss[i], OrgID: org, Name: fmt.Sprint("ws-", i), CreatedAt: time.Now()}))
	}
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		var (
			mq, aq     strings.Builder
			margs, aas []any
		)
		mq.WriteString(`INSERT INTO roster_members (org_id, user_id, email, email_key, name, name_key, role, kind,
extra_grants, licensed, sso, deactivated, invited_by, joined_at, updated_at) VALUES `)
		aq.WriteString(`INSERT INTO roster_workspace_access (org_id, workspace_id, user_id, role, granted_by, granted_at) VALUES `)
		for i := lo; i < hi; i++ {
			role, kind := roles.OrgMember, membership.KindCoworker
			switch {
			case i < 2:
				role = roles.OrgOwner
			case i < 12:
				role = roles.OrgAdmin
			case i%10 == 0:
				role, kind = roles.OrgGuest, membership.KindGuest
			}
			if i > lo {
				mq.WriteString(", ")
			}
			mq.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			u := userID(i)
			margs = append(margs, org, u, u+"@acme.com", u+"@acme.com", u, u, string(role), string(kind),
				int64(0), false, false, false, "", now, now)
			for j := range 3 {
				if i > lo || j > 0 {
					aq.WriteString(", ")
				}
				aq.WriteString("(?, ?, ?, ?, ?, ?)")
				aas = append(aas, org, wss[(i+j)%20], u, string(wsRoles[(i+j)%len(wsRoles)]), "", now)
			}
		}
		must(st.Transact(ctx, func(ctx context.Context) error {
			if _, err := st.conn(ctx).ExecContext(ctx, st.sql(mq.String()), margs...); err != nil {
				return err
			}
			_, err := st.conn(ctx).ExecContext(ctx, st.sql(aq.String()), aas...)
			return err
		}))
	}
	if st.d == Postgres {
		_, err := st.db.ExecContext(ctx, st.sql(`ANALYZE`))
		must(err)
	} else if st.d == SQLite {
		_, err := st.db.ExecContext(ctx, `ANALYZE`)
		must(err)
	}
	return org, wss
}

// BenchmarkCan is the permission check through Service.Can: one
// CheckAccess query, then a bit test.
func BenchmarkCan(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			f := benchFixture(b, d, 1_000)
			ctx := context.Background()
			i := f.n/2 + 1 // not a multiple of 10: a member, not a guest
			for _, c := range []struct {
				name string
				user string
				ws   uuid.UUID
				want bool
			}{
				{"allow", userID(i), f.workspaces[i%20], true},
				{"deny", userID(i), f.workspaces[(i+10)%20], false},
				{"org-admin", userID(5), f.workspaces[(5+10)%20], true},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var ok bool
					for b.Loop() {
						var err error
						if ok, err = f.svc.Can(ctx, f.org, c.user, c.ws, roles.PermView); err != nil {
							b.Fatal(err)
						}
					}
					if ok != c.want {
						b.Fatalf("Can = %v, want %v", ok, c.want)
					}
				})
			}
		})
	}
}

// BenchmarkPointSelect is the floor of BenchmarkCan on the same database
// in the same run: one column of one row by primary key, through a
// prepared database/sql statement like the store's check.
func BenchmarkPointSelect(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			f := benchFixture(b, d, 1_000)
			ctx := context.Background()
			stmt, err := f.st.db.PrepareContext(ctx, f.st.sql(`SELECT role FROM roster_members WHERE org_id = ? AND user_id = ?`))
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			u := userID(f.n/2 + 1)
			b.ReportAllocs()
			for b.Loop() {
				var role string
				if err := stmt.QueryRowContext(ctx, f.org, u).Scan(&role); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListMembers reads a page of 50 members at the start and at 90 %
// of the organization: keyset pagination costs the same at any depth and
// any size.
func BenchmarkListMembers(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			for _, size := range benchSizes {
				b.Run(size.name, func(b *testing.B) {
					f := benchFixture(b, d, size.n)
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
		})
	}
}

// BenchmarkRemoveMember deletes a member with 3 workspaces in one
// transaction (its access rows, then its row) and puts it back outside the
// timer: the cost should not depend on the size of the organization.
func BenchmarkRemoveMember(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			for _, size := range benchSizes[:2] {
				b.Run(size.name, func(b *testing.B) {
					f := benchFixture(b, d, size.n)
					ctx := context.Background()
					u := userID(size.n/2 + 1)
					m, err := f.st.Member(ctx, f.org, u)
					if err != nil {
						b.Fatal(err)
					}
					acc, err := f.st.MemberAccess(ctx, f.org, u)
					if err != nil || len(acc) != 3 {
						b.Fatal(len(acc), err)
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := f.st.DeleteMember(ctx, f.org, u); err != nil {
							b.Fatal(err)
						}
						b.StopTimer()
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
						b.StartTimer()
					}
				})
			}
		})
	}
}

// inviteSetup returns the dialect's benchmark store with both Services and
// a new organization owned by "owner", without quotas. On SQLite the store
// counts its statements in n (nil elsewhere).
func inviteSetup(b *testing.B, dialect string) (*Store, *invite.Service, uuid.UUID, *counts) {
	b.Helper()
	st := benchStore(b, dialect)
	var n *counts
	if dialect == "sqlite" {
		n = new(counts)
		db := openCounting(fixDirs[0]+"/bench.db", n)
		b.Cleanup(func() { _ = db.Close() })
		var err error
		if st, err = New(db, SQLite); err != nil {
			b.Fatal(err)
		}
	}
	m, err := membership.New(st, membership.Options{DeferDelivery: true})
	if err != nil {
		b.Fatal(err)
	}
	iv, err := invite.New(m, invite.Options{InvitesPerDay: -1, InvitesPerInviterPerDay: -1, DeferDelivery: true})
	if err != nil {
		b.Fatal(err)
	}
	slug := "bench-" + randText(10)
	org, err := m.CreateOrganization(context.Background(), "owner", membership.NewOrganization{
		Name: "Bench", Slug: slug, OwnerEmail: "owner@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	return st, iv, org.ID, n
}

// BenchmarkInviteBatch10 invites ten new addresses in one request: one
// transaction. On SQLite it reports the statements the batch runs.
func BenchmarkInviteBatch10(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			_, iv, org, n := inviteSetup(b, d)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			if n != nil {
				n.reset()
			}
			for b.Loop() {
				var emails strings.Builder
				for range 10 {
					fmt.Fprintf(&emails, "user%d@example.com,", i)
					i++
				}
				if _, err := iv.Invite(ctx, "owner", org, invite.Request{Emails: emails.String(), Role: roles.OrgMember}); err != nil {
					b.Fatal(err)
				}
			}
			if n != nil {
				b.ReportMetric(float64(n.stmts.Load())/float64(b.N), "stmts/op")
				b.ReportMetric(float64(n.txs.Load())/float64(b.N), "tx/op")
			}
		})
	}
}

// BenchmarkAccept accepts one pending invitation: token look-up, member
// insert, invitation update, audit and event, in one transaction.
func BenchmarkAccept(b *testing.B) {
	for _, d := range benchDialects {
		b.Run(d, func(b *testing.B) {
			_, iv, org, n := inviteSetup(b, d)
			ctx := context.Background()
			var tokens []string
			for i := 0; len(tokens) < b.N; i += 10 {
				var emails strings.Builder
				for j := range 10 {
					fmt.Fprintf(&emails, "user%d@example.com,", i+j)
				}
				res, err := iv.Invite(ctx, "owner", org, invite.Request{Emails: emails.String()})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res.Addresses {
					tokens = append(tokens, r.Token)
				}
			}
			b.ReportAllocs()
			if n != nil {
				n.reset()
			}
			b.ResetTimer()
			for i := range b.N {
				user := fmt.Sprintf("user%d", i)
				if _, err := iv.Accept(ctx, tokens[i], invite.Invitee{UserID: user, Email: user + "@example.com", EmailVerified: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n != nil {
				b.ReportMetric(float64(n.stmts.Load())/float64(b.N), "stmts/op")
				b.ReportMetric(float64(n.txs.Load())/float64(b.N), "tx/op")
			}
		})
	}
}
