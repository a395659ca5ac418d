package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// galeraList returns the n space-separated entries of env (the nodes' PID
// files or restart scripts), or fails t.
func galeraList(t *testing.T, env string, n int) []string {
	t.Helper()
	l := strings.Fields(os.Getenv(env))
	if len(l) != n {
		t.Fatalf("%s names %d nodes, %s %d: scripts/dbservers exports both", env, len(l), envGaleraDSNs, n)
	}
	return l
}

// nodePID reads the PID a node's PID file holds.
func nodePID(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		t.Fatalf("%s holds no PID: %q", file, b)
	}
	return pid
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// wsrepStatus reads a wsrep status variable of db's node.
func wsrepStatus(ctx context.Context, db *sql.DB, name string) (string, error) {
	var n, v string
	err := db.QueryRowContext(ctx, "SHOW STATUS LIKE '"+name+"'").Scan(&n, &v)
	return v, err
}

// galeraNode is one node of the test cluster as scripts/dbservers started
// it: the file holding its PID and the script that starts it again.
type galeraNode struct {
	n       int // 1-based, for messages
	pidFile string
	start   string
	db      *sql.DB
}

// restartAttempts is how many times restart starts a node that exits before
// it is back: a joiner whose state transfer fails (a donor busy, a port
// taken) stops, and an operator starts it again.
const restartAttempts = 3

// restart starts node n again and waits until it is Synced in a cluster of
// size nodes. A start that exits first is logged (logf) with the tail of
// the node's server log and tried again, up to restartAttempts times.
func (n galeraNode) restart(ctx context.Context, size int, logf func(string, ...any)) (time.Duration, error) {
	start := time.Now()
	var err error
	for try := 1; try <= restartAttempts; try++ {
		if err = exec.Command(n.start).Run(); err != nil {
			return 0, fmt.Errorf("starting node %d: %v", n.n, err)
		}
		if err = n.waitSynced(ctx, size); err == nil {
			return time.Since(start), nil
		}
		err = fmt.Errorf("node %d, start %d of %d: %v; its log ends:\n%s", n.n, try, restartAttempts, err, n.logTail(30))
		if ctx.Err() != nil || n.running() || try == restartAttempts {
			break // timed out while running: starting it again would not help
		}
		logf("%v", err)
	}
	return 0, err
}

// running reports whether the process in the node's PID file runs.
func (n galeraNode) running() bool {
	b, err := os.ReadFile(n.pidFile)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && pid > 0 && alive(pid)
}

// logTail returns the last lines of the node's server log (beside its PID
// file).
func (n galeraNode) logTail(lines int) string {
	b, err := os.ReadFile(filepath.Join(filepath.Dir(n.pidFile), "server.log"))
	if err != nil {
		return err.Error()
	}
	l := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(l[max(0, len(l)-lines):], "\n")
}

// waitSynced waits until the node is Synced in a cluster of size nodes, or
// its process exits, for at most three minutes.
func (n galeraNode) waitSynced(ctx context.Context, size int) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	for polls := 0; ; polls++ {
		state, err1 := wsrepStatus(ctx, n.db, "wsrep_local_state_comment")
		cluster, err2 := wsrepStatus(ctx, n.db, "wsrep_cluster_size")
		if err1 == nil && err2 == nil && state == "Synced" && cluster == strconv.Itoa(size) {
			return nil
		}
		// The start script writes the new PID at once; give a server that
		// fails its start a moment to exit before reading the file.
		if polls > 10 && !n.running() {
			return fmt.Errorf("node exited: state %q (%v), cluster size %q (%v)", state, err1, cluster, err2)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node not back: state %q (%v), cluster size %q (%v)", state, err1, cluster, err2)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// burstOp is one call of the burst and how it ended.
type burstOp struct {
	handle    int
	accept    bool // accepting a token sent before; else inviting a new address
	user      string
	err       error
	afterKill bool // ended after the node was killed (in flight or later)
}

// TestGaleraNodeDiesMidBurst kills one node of the cluster (SIGKILL, by
// PID) while invitations are sent and accepted through every node and
// through a pool that spans the nodes. The nodes that remain keep serving
// (every call through them succeeds), the pool carries on through them,
// nothing is half-written (each member has exactly its accepted
// invitation and audit event), the organization keeps one owner, and the
// killed node rejoins and serves again.
// failoverAttempts is how many times a transaction runs on a cluster that
// loses a node: with the store's backoff (up to 250 ms a pause) about ten
// seconds, twice the time the cluster takes to evict a dead node.
const failoverAttempts = 50

func TestGaleraNodeDiesMidBurst(t *testing.T) {
	// Until the cluster evicts the dead node (evs.suspect_timeout, 5 s by
	// default), the others may refuse commits (1213, 1047): a host on a
	// cluster gives its stores enough attempts to span that, as here.
	reader, sts := openGalera(t, MaxAttempts(failoverAttempts))
	// The driver logs each connection the killed node drops.
	if err := mysql.SetLogger(log.New(io.Discard, "", 0)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime|log.Lshortfile)) })
	if len(sts) < 3 {
		t.Fatalf("%s names %d nodes; the test needs 3", envGaleraDSNs, len(sts))
	}
	pidFiles := galeraList(t, envGaleraPIDFiles, len(sts))
	restarts := galeraList(t, envGaleraRestart, len(sts))
	ctx := t.Context()
	victim := len(sts) - 1

	// A pool over every node, the victim first.
	dsns := galeraDSNs(t)
	order := append([]string{dsns[victim]}, dsns[:victim]...)
	pool, err := Drivers[MySQL].OpenNodes(ctx, order, TablePrefix(sts[0].prefix), SkipMigrate(), MaxAttempts(failoverAttempts))
	if err != nil {
		t.Fatalf("OpenNodes: %v", err)
	}
	t.Cleanup(func() { closeStore(t, pool) })
	handles := append(slices.Clone(sts), pool)
	poolAt := len(handles) - 1

	var ms []*membership.Service
	var ivs []*invite.Service
	for _, h := range handles {
		m, err := membership.New(h, membership.Options{DeferDelivery: true})
		if err != nil {
			t.Fatal(err)
		}
		iv, err := invite.New(m, invite.Options{InvitesPerDay: -1, InvitesPerInviterPerDay: -1, DeferDelivery: true})
		if err != nil {
			t.Fatal(err)
		}
		ms, ivs = append(ms, m), append(ivs, iv)
	}
	slug := "die-" + strings.ToLower(uuid.NewString()[:12])
	org, err := ms[0].CreateOrganization(ctx, "owner", membership.NewOrganization{
		Name: slug, Slug: slug, OwnerEmail: "owner@example.com", Settings: membership.Settings{Seats: 200}})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	const perKind = 40
	var addrs []string
	for i := range perKind {
		addrs = append(addrs, fmt.Sprintf("a%02d@example.com", i))
	}
	var sent []invite.AddressResult
	for batch := range slices.Chunk(addrs, 10) {
		r, err := ivs[0].Invite(ctx, "owner", org.ID, invite.Request{List: batch})
		if err != nil {
			t.Fatalf("Invite: %v", err)
		}
		sent = append(sent, r.Addresses...)
	}

	// Restart the victim when the test ends, whatever happened.
	node := galeraNode{n: victim + 1, pidFile: pidFiles[victim], start: restarts[victim], db: sts[victim].db}
	victimPID := nodePID(t, node.pidFile)
	t.Cleanup(func() {
		if node.running() {
			return
		}
		if _, err := node.restart(context.Background(), len(sts), t.Logf); err != nil {
			t.Error(err)
		}
	})

	// The burst: accepts of the tokens sent and new invitations, spread
	// over the handles, two workers each; the victim dies after a quarter.
	var ops []*burstOp
	for i := range 2 * perKind {
		op := &burstOp{handle: i % len(handles), accept: i%2 == 0}
		if op.accept {
			op.user = fmt.Sprintf("a%02d", i/2)
		} else {
			op.user = fmt.Sprintf("n%02d", i/2)
		}
		ops = append(ops, op)
	}
	var (
		done   atomic.Int64
		killed atomic.Bool
		wg     sync.WaitGroup
	)
	tokens := map[string]string{}
	for _, r := range sent {
		tokens[strings.TrimSuffix(r.Address.Email, "@example.com")] = r.Token
	}
	for w := range 2 * len(handles) {
		wg.Go(func() {
			for k := w; k < len(ops); k += 2 * len(handles) {
				op := ops[k]
				if op.accept {
					_, op.err = ivs[op.handle].Accept(ctx, tokens[op.user], invite.Invitee{
						UserID: op.user, Email: op.user + "@example.com", EmailVerified: true})
				} else {
					_, op.err = ivs[op.handle].Invite(ctx, "owner", org.ID, invite.Request{Emails: op.user + "@example.com"})
				}
				op.afterKill = killed.Load()
				done.Add(1)
			}
		})
	}
	for done.Load() < int64(len(ops)/4) {
		time.Sleep(time.Millisecond)
	}
	if err := syscall.Kill(victimPID, syscall.SIGKILL); err != nil {
		t.Fatalf("killing node %d (pid %d): %v", victim+1, victimPID, err)
	}
	killed.Store(true)
	killedAt := time.Now()
	wg.Wait()
	t.Logf("node %d killed after %d of %d calls; the burst ended %v later", victim+1, len(ops)/4, len(ops), time.Since(killedAt).Round(time.Millisecond))
	if alive(victimPID) {
		t.Fatalf("node %d (pid %d) still runs after SIGKILL", victim+1, victimPID)
	}

	failed := map[int]int{}
	for _, op := range ops {
		switch {
		case op.err == nil:
		case op.handle == victim && op.afterKill, op.handle == poolAt && op.afterKill:
			failed[op.handle]++ // calls on the dead node's connections
		default:
			t.Errorf("handle %d: %s (after kill %v): %v", op.handle, op.user, op.afterKill, op.err)
		}
	}
	t.Logf("calls that failed with the node: %d on the node itself, %d through the pool", failed[victim], failed[poolAt])

	// The pool carries on through the nodes that remain.
	var poolErr error
	for try := range 5 {
		_, poolErr = ivs[poolAt].Invite(ctx, "owner", org.ID, invite.Request{Emails: fmt.Sprintf("pool%d@example.com", try)})
		if poolErr == nil {
			break
		}
	}
	if poolErr != nil {
		t.Errorf("the pool does not serve through the remaining nodes: %v", poolErr)
	}

	checkWhole(t, reader, org.ID, ops)

	// The killed node rejoins (IST from the others) and serves again.
	took, err := node.restart(ctx, len(sts), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("node %d rejoined in %v", victim+1, took.Round(time.Millisecond))
	if _, err := ivs[victim].Invite(ctx, "owner", org.ID, invite.Request{Emails: "back@example.com"}); err != nil {
		t.Fatalf("Invite through the rejoined node: %v", err)
	}
	n0, err0 := reader.CountMembers(ctx, org.ID, membership.MemberFilter{})
	nv, errv := sts[victim].CountMembers(ctx, org.ID, membership.MemberFilter{})
	if err0 != nil || errv != nil || n0 != nv {
		t.Fatalf("members: %d on node 1 (%v), %d on the rejoined node (%v)", n0, err0, nv, errv)
	}
	checkWhole(t, sts[victim], org.ID, ops)
}

// checkWhole checks, reading st, that the burst left whole transactions
// only: the members besides the owner are exactly the accepted
// invitations, each with one acceptance audit event; every invitation has
// its creation event; every call that succeeded shows; one owner.
func checkWhole(t *testing.T, st *Store, org uuid.UUID, ops []*burstOp) {
	t.Helper()
	ctx := t.Context()
	var members []string
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		ms, next, err := st.Members(ctx, org, membership.MemberFilter{}, page)
		if err != nil {
			t.Fatalf("Members: %v", err)
		}
		for _, m := range ms {
			if m.UserID != "owner" {
				members = append(members, m.Email)
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	var accepted []string
	invited := map[string]bool{}
	invs := 0
	page = storage.Page{Limit: storage.MaxPageSize}
	for {
		is, next, err := st.Invitations(ctx, org, invite.InvitationFilter{}, page)
		if err != nil {
			t.Fatalf("Invitations: %v", err)
		}
		for _, inv := range is {
			invs++
			invited[inv.Email] = true
			if inv.Status == invite.StatusAccepted {
				accepted = append(accepted, inv.Email)
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	slices.Sort(members)
	slices.Sort(accepted)
	if !slices.Equal(members, accepted) {
		t.Errorf("members %v, accepted invitations %v: want the same", members, accepted)
	}
	count := func(action string) int {
		n := 0
		page := storage.Page{Limit: storage.MaxPageSize}
		for {
			es, next, err := st.Audit(ctx, org, membership.AuditFilter{Action: action}, page)
			if err != nil {
				t.Fatalf("Audit: %v", err)
			}
			for _, e := range es {
				if !e.Denied {
					n++
				}
			}
			if next == "" {
				return n
			}
			page.After = next
		}
	}
	if n := count(invite.EventInvitationAccepted); n != len(accepted) {
		t.Errorf("%d acceptance events, %d accepted invitations", n, len(accepted))
	}
	if n := count(invite.EventInvitationCreated); n != invs {
		t.Errorf("%d creation events, %d invitations", n, invs)
	}
	for _, op := range ops {
		if op.err != nil {
			continue
		}
		addr := op.user + "@example.com"
		if op.accept && !slices.Contains(members, addr) {
			t.Errorf("%s accepted but is no member", op.user)
		}
		if !op.accept && !invited[addr] {
			t.Errorf("%s was invited but has no invitation", op.user)
		}
	}
	owners, err := st.CountMembers(ctx, org, membership.MemberFilter{Role: "owner"})
	if err != nil || owners != 1 {
		t.Errorf("%d owners (%v), want 1", owners, err)
	}
}
