package sqlstore

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/membership"
)

// The benchmarks run the workload of internal/benchmarks, its fixture and
// its benchmark names, on every dialect whose database is available:
// SQLite (a WAL file), PostgreSQL and MySQL when ROSTER_POSTGRES_DSN /
// ROSTER_MYSQL_DSN are set. Fixtures are written once per run and dialect,
// with multi-row INSERTs, and dropped when the run ends.

// benchWorkload is the run's: one store and one fixture per dialect and
// size.
var benchWorkload benchmarks.Workload

// benchDialects are the databases the benchmarks run on.
var benchDialects = []string{"sqlite", "postgres", "mysql"}

// benchTarget is the workload's target on dialect: a million members on
// SQLite and PostgreSQL, as the workload says, 100k on MySQL and Galera.
func benchTarget(dialect string) benchmarks.Target {
	t := benchmarks.Target{Name: dialect, Large: 1_000_000,
		Open:  func(b *testing.B) benchmarks.Store { return benchStore(b, dialect) },
		Load:  bulkLoad,
		Built: analyze,
	}
	if dialect == "mysql" || dialect == "galera" {
		t.Large = 100_000
	}
	if dialect == "sqlite" {
		t.Invite = countingStore
	}
	return t
}

// benchTargets are the targets of benchDialects.
func benchTargets() []benchmarks.Target {
	var ts []benchmarks.Target
	for _, d := range benchDialects {
		ts = append(ts, benchTarget(d))
	}
	return ts
}

var (
	fixMu     sync.Mutex
	fixStores = map[string]*Store{} // one database per dialect per run
	fixDirs   []string
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
}

// benchStore returns the run's store for dialect, or skips b (fails it in
// CI) when the dialect's server is not given.
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
	case "galera":
		st, err = testOpen(ctx, "mysql", galeraDSNs(b)[0], TablePrefix("bench"+randText(6)+"_"))
	default:
		env := map[string]string{"postgres": envPostgres, "mysql": envMySQL}[dialect]
		st, err = testOpen(ctx, dialect, serverDSN(b, env), TablePrefix("bench"+randText(6)+"_"))
	}
	if err != nil {
		b.Fatalf("open %s: %v", dialect, err)
	}
	fixStores[dialect] = st
	return st
}

// countingStore is the invitation benchmarks' store on SQLite: the run's
// database file through a connection that counts its statements.
func countingStore(b *testing.B) (benchmarks.Store, func() (stmts, txs int64)) {
	b.Helper()
	benchStore(b, "sqlite")
	n := new(counts)
	db := openCounting(fixDirs[0]+"/bench.db", n)
	b.Cleanup(func() { _ = db.Close() })
	st, err := New(db, SQLite)
	if err != nil {
		b.Fatal(err)
	}
	return st, func() (int64, int64) { return n.stmts.Load(), n.txs.Load() }
}

// bulkLoad writes a batch of the fixture with multi-row INSERTs, 500 rows
// a statement, in one transaction, as InsertMember and SetAccess encode
// them.
func bulkLoad(ctx context.Context, ms membership.Store, members []membership.Member, access []membership.WorkspaceAccess) error {
	st := ms.(*Store)
	const rows = 500
	return st.Transact(ctx, func(ctx context.Context) error {
		for lo := 0; lo < len(members); lo += rows {
			var q strings.Builder
			var args []any
			q.WriteString(`INSERT INTO roster_members (org_id, user_id, email, email_key, name, name_key, role, kind,
extra_grants, licensed, sso, deactivated, invited_by, joined_at, updated_at) VALUES `)
			for i, m := range members[lo:min(lo+rows, len(members))] {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, m.OrgID, m.UserID, m.Email, lowerASCII(m.Email), m.Name, lowerASCII(m.Name),
					string(m.Role), string(m.Kind), encPerms(m.Grants), m.Licensed, m.SSO, m.Deactivated, m.InvitedBy,
					encTime(m.JoinedAt), encTime(m.UpdatedAt))
			}
			if _, err := st.conn(ctx).ExecContext(ctx, st.sql(q.String()), args...); err != nil {
				return err
			}
		}
		for lo := 0; lo < len(access); lo += rows {
			var q strings.Builder
			var args []any
			q.WriteString(`INSERT INTO roster_workspace_access (org_id, workspace_id, user_id, role, granted_by, granted_at) VALUES `)
			for i, a := range access[lo:min(lo+rows, len(access))] {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?)")
				args = append(args, a.OrgID, a.WorkspaceID, a.UserID, string(a.Role), a.GrantedBy, encTime(a.GrantedAt))
			}
			if _, err := st.conn(ctx).ExecContext(ctx, st.sql(q.String()), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// analyze refreshes the planner's statistics after a fixture is written
// (PostgreSQL and SQLite; MySQL keeps its own).
func analyze(ctx context.Context, bs benchmarks.Store) error {
	st := bs.(*Store)
	var err error
	switch st.d {
	case Postgres:
		_, err = st.db.ExecContext(ctx, st.sql(`ANALYZE`))
	case SQLite:
		_, err = st.db.ExecContext(ctx, `ANALYZE`)
	}
	return err
}

// BenchmarkCan is the permission check through Service.Can: one
// CheckAccess query, then a bit test.
func BenchmarkCan(b *testing.B) { benchWorkload.Can(b, benchTargets()) }

// BenchmarkPointSelect is the floor of BenchmarkCan on the same database
// in the same run: one column of one row by primary key, through a
// prepared database/sql statement like the store's check.
func BenchmarkPointSelect(b *testing.B) {
	for _, t := range benchTargets() {
		b.Run(t.Name, func(b *testing.B) {
			bl := benchWorkload.Fixture(b, t, 1_000)
			st := bl.St.(*Store)
			ctx := context.Background()
			stmt, err := st.db.PrepareContext(ctx, st.sql(`SELECT role FROM roster_members WHERE org_id = ? AND user_id = ?`))
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			u := benchmarks.UserID(bl.F.N/2 + 1)
			b.ReportAllocs()
			for b.Loop() {
				var role string
				if err := stmt.QueryRowContext(ctx, bl.F.Org.ID, u).Scan(&role); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListMembers reads a page of 50 members at the start and at 90 %
// of the organization: keyset pagination costs the same at any depth and
// any size.
func BenchmarkListMembers(b *testing.B) { benchWorkload.ListMembers(b, benchTargets()) }

// BenchmarkRemoveMember removes a member with 3 workspaces: the cost should
// not depend on the size of the organization.
func BenchmarkRemoveMember(b *testing.B) { benchWorkload.RemoveMember(b, benchTargets()) }

// BenchmarkInviteBatch10 invites ten new addresses in one request: one
// transaction. On SQLite it reports the statements the batch runs.
func BenchmarkInviteBatch10(b *testing.B) { benchWorkload.InviteBatch10(b, benchTargets()) }

// BenchmarkAccept accepts one pending invitation: token look-up, member
// insert, invitation update, audit and event, in one transaction.
func BenchmarkAccept(b *testing.B) { benchWorkload.Accept(b, benchTargets()) }

// randText returns n random lower-case hexadecimal digits.
func randText(n int) string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:n] }
