package storagetest

import (
	"reflect"
	"sync"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
)

// RunMulti runs the whole conformance suite with several handles on one
// database: newStores returns store values that all reach the same data,
// such as one store per node of a database cluster or connection pools on
// one server. It is called once per subtest and may return the same stores
// each time.
//
// The suite runs as with Run on the first store, which sets cases up and
// reads their outcomes; the concurrency cases spread their goroutines over
// the other handles in turn (over the first too when it is the only one),
// so that mutations racing on one organization arrive through different
// connections and nodes. The first store must see what the others
// committed once their calls returned: on a Galera cluster, give it
// wsrep_sync_wait, and the racing handles none (a transaction holding
// locks while it waits for its node to catch up stalls the node's
// replication).
func RunMulti(t *testing.T, newStores func(t *testing.T) []Store) {
	t.Helper()
	Run(t, func(t *testing.T) Store {
		t.Helper()
		sts := newStores(t)
		if len(sts) == 0 {
			t.Fatal("storagetest.RunMulti: newStores returned no store")
		}
		handles.Store(sts[0], sts)
		return sts[0]
	})
}

// handles maps the first store RunMulti's newStores returned to all of
// them, so that fixtures built on it reach the others too.
var handles sync.Map // Store -> []Store

// racingHandles returns the handles a race on st's database spreads over: the
// others RunMulti registered with st, or st alone.
func racingHandles(st Store) []Store {
	if st == nil || !reflect.TypeOf(st).Comparable() {
		return []Store{st}
	}
	if v, ok := handles.Load(st); ok {
		if all := v.([]Store); len(all) > 1 {
			return all[1:]
		}
	}
	return []Store{st}
}

// handle returns the handle goroutine i of a race uses: the racing handles of st
// in turn.
func handle(st Store, i int) Store {
	rs := racingHandles(st)
	return rs[i%len(rs)]
}

// peerServices returns a membership Service per racer of st, with options
// o; svc, which serves st, when st races alone.
func peerServices(t *testing.T, st Store, svc *membership.Service, o membership.Options) []*membership.Service {
	t.Helper()
	rs := racingHandles(st)
	if len(rs) == 1 && rs[0] == st {
		return []*membership.Service{svc}
	}
	out := make([]*membership.Service, 0, len(rs))
	for _, r := range rs {
		out = append(out, newMembership(t, r, o))
	}
	return out
}

// peerInviteServices returns an invite Service per racing handle of f.s store,
// each over that handle's membership Service; f.iv when the store races
// alone.
func peerInviteServices(t *testing.T, f *ivFixture, o invite.Options) []*invite.Service {
	t.Helper()
	rs := racingHandles(f.st)
	if len(rs) == 1 && rs[0] == f.st {
		return []*invite.Service{f.iv}
	}
	out := make([]*invite.Service, 0, len(rs))
	for k := range rs {
		out = append(out, newInvite(t, f.svcs[k], o))
	}
	return out
}

// on returns the membership Service goroutine i of a race calls: one per
// racing handle of the fixture's store, in turn.
func (f *fixture) on(i int) *membership.Service { return f.svcs[i%len(f.svcs)] }

// ivOn returns the invite Service goroutine i of a race calls: one per
// racing handle of the fixture's store, in turn.
func (f *ivFixture) ivOn(i int) *invite.Service { return f.ivs[i%len(f.ivs)] }
