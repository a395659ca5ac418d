package sqlstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Environment variables that describe the Galera cluster scripts/dbservers
// starts, one entry per node, separated by spaces.
const (
	envGaleraDSNs     = "ROSTER_GALERA_DSNS"     // the nodes' DSNs
	envGaleraPIDFiles = "ROSTER_GALERA_PIDFILES" // files holding each node's PID
	envGaleraRestart  = "ROSTER_GALERA_RESTART"  // scripts that start a node again
)

// galeraDSNs returns the cluster's node DSNs. Without them the test is
// skipped, or fails when CI is set.
func galeraDSNs(t testing.TB) []string {
	t.Helper()
	dsns := strings.Fields(strings.ReplaceAll(os.Getenv(envGaleraDSNs), ",", " "))
	if len(dsns) < 2 {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s does not name two nodes or more: CI runs the Galera cluster (scripts/test starts it)", envGaleraDSNs)
		}
		t.Skipf("%s is not set", envGaleraDSNs)
	}
	return dsns
}

// causalReads makes every read of a connection wait until its node has
// applied what the cluster committed before it began (wsrep_sync_wait):
// the tests read on one node what other nodes wrote.
func causalReads(dsn string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "wsrep_sync_wait=1"
}

// openGalera opens one store per Galera node, all on the same tables (one
// fresh prefix), and a reader: a store on the first node whose reads wait
// until the node has applied what the cluster committed before them
// (causal reads), to check what the nodes wrote. The tables are dropped and
// the stores closed when t ends.
func openGalera(t testing.TB, opts ...Option) (reader *Store, nodes []*Store) {
	t.Helper()
	dsns := galeraDSNs(t)
	all := []string{causalReads(dsns[0])}
	for _, dsn := range dsns {
		all = append(all, causalReads(dsn))
	}
	sts := openNodes(t, "mysql", all, opts...)
	return sts[0], sts[1:]
}

// openNodes opens a store per DSN over one database with tables of a fresh
// prefix, migrated through the first.
func openNodes(t testing.TB, driver string, dsns []string, opts ...Option) []*Store {
	t.Helper()
	prefix := "t" + strings.ToLower(rand.Text()[:10]) + "_"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var sts []*Store
	for i, dsn := range dsns {
		o := append([]Option{TablePrefix(prefix)}, opts...)
		if i > 0 {
			o = append(o, SkipMigrate())
		}
		st, err := testOpen(ctx, driver, dsn, o...)
		if err != nil {
			t.Fatalf("Open(%s handle %d): %v", driver, i+1, err)
		}
		st.db.SetMaxOpenConns(40)
		st.db.SetMaxIdleConns(40)
		sts = append(sts, st)
	}
	t.Cleanup(func() {
		if err := dropTables(sts[0], prefix); err != nil {
			t.Errorf("dropping test tables %s*: %v", prefix, err)
		}
		for _, st := range sts {
			closeStore(t, st)
		}
	})
	return sts
}

// nodeServices is a membership Service per node, and a reader that
// checks what they wrote.
type nodeServices struct {
	reader *Store
	svcs   []*membership.Service
}

func newNodeServices(t *testing.T, reader *Store, nodes []*Store) *nodeServices {
	n := &nodeServices{reader: reader}
	for _, st := range nodes {
		svc, err := membership.New(st, membership.Options{DeferDelivery: true})
		if err != nil {
			t.Fatal(err)
		}
		n.svcs = append(n.svcs, svc)
	}
	return n
}

// org creates an organization with settings through the first node.
func (n *nodeServices) org(t *testing.T, settings membership.Settings) membership.Organization {
	t.Helper()
	slug := "g-" + strings.ToLower(uuid.NewString()[:12])
	o, err := n.svcs[0].CreateOrganization(t.Context(), "owner", membership.NewOrganization{
		Name: slug, Slug: slug, OwnerEmail: "owner@example.com", OwnerName: "Owner", Settings: settings})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

// at returns the Service of the node goroutine i runs on.
func (n *nodeServices) at(i int) *membership.Service { return n.svcs[i%len(n.svcs)] }

// gather runs fn for each of n goroutines at once and returns their errors.
func gather(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// TestGaleraOwnersDemotingEachOtherAcrossNodes races two owners that demote
// each other, each through a different node, twenty times: the
// organization always keeps exactly one owner, and the loser is refused
// with ErrLastOwner, not a database error.
func TestGaleraOwnersDemotingEachOtherAcrossNodes(t *testing.T) {
	reader, nodes := openGalera(t)
	n := newNodeServices(t, reader, nodes)
	ctx := t.Context()
	const rounds = 20
	broken := 0
	for round := range rounds {
		o := n.org(t, membership.Settings{})
		if _, err := n.svcs[0].AddMember(ctx, "owner", o.ID, membership.NewMember{
			UserID: "second", Email: "second@example.com", Role: roles.OrgOwner}); err != nil {
			t.Fatalf("AddMember(second): %v", err)
		}
		pair := [2][2]string{{"owner", "second"}, {"second", "owner"}}
		errs := gather(2, func(i int) error {
			_, err := n.at(i).ChangeRole(ctx, pair[i][0], o.ID, pair[i][1], roles.OrgAdmin)
			return err
		})
		owners, err := n.reader.CountMembers(ctx, o.ID, membership.MemberFilter{Role: roles.OrgOwner})
		if err != nil {
			t.Fatalf("CountMembers: %v", err)
		}
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, membership.ErrLastOwner) && !errors.Is(err, membership.ErrForbidden):
				t.Errorf("round %d: unexpected error %v", round, err)
			}
		}
		if owners != 1 || ok != 1 {
			broken++
			t.Errorf("round %d: %d owners left and %d demotions succeeded, want 1 and 1 (errors %v)", round, owners, ok, errs)
		}
	}
	if broken > 0 {
		t.Errorf("the invariant broke in %d of %d rounds", broken, rounds)
	}
}

// TestGaleraAddsAcrossNodesNeverExceedTheSeats races 40 direct adds spread
// over the nodes against a 5-seat organization, five times: exactly the
// free seats are taken, every other add fails with ErrSeatLimit.
func TestGaleraAddsAcrossNodesNeverExceedTheSeats(t *testing.T) {
	reader, nodes := openGalera(t)
	n := newNodeServices(t, reader, nodes)
	ctx := t.Context()
	const (
		rounds = 5
		adds   = 40
		seats  = 5
	)
	broken := 0
	for round := range rounds {
		o := n.org(t, membership.Settings{Seats: seats})
		errs := gather(adds, func(i int) error {
			u := fmt.Sprintf("u%02d", i)
			_, err := n.at(i).AddMember(ctx, "owner", o.ID, membership.NewMember{UserID: u, Email: u + "@example.com"})
			return err
		})
		members, err := n.reader.CountMembers(ctx, o.ID, membership.MemberFilter{})
		if err != nil {
			t.Fatalf("CountMembers: %v", err)
		}
		ok, full := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, membership.ErrSeatLimit):
				full++
			default:
				t.Errorf("round %d: unexpected error %v", round, err)
			}
		}
		// The owner holds one seat.
		if members != seats || ok != seats-1 || full != adds-(seats-1) {
			broken++
			t.Errorf("round %d: %d members (want %d), %d adds succeeded (want %d), %d refused",
				round, members, seats, ok, seats-1, full)
		}
	}
	if broken > 0 {
		t.Errorf("the seat limit broke in %d of %d rounds", broken, rounds)
	}
}

// TestGaleraErrorsAreRetried checks that the MySQL dialect runs a
// transaction again when a Galera node fails it: 1213 (certification
// failure, or aborted for a transaction that won) and 1047 (node not
// ready), but not an error that no retry mends.
func TestGaleraErrorsAreRetried(t *testing.T) {
	for code, want := range map[string]errClass{"1213": classRetry, "1047": classRetry, "1146": classOther} {
		if got := MySQL.classify(code); got != want {
			t.Errorf("MySQL.classify(%s) = %d, want %d", code, got, want)
		}
	}
}
