package benchmarks

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// floorKey is what Can is given, as a caller builds it: the user ID string
// and the workspace UUID.
type floorKey struct {
	user string
	ws   uuid.UUID
}

// floorTable is the physical floor of a check: a plain Go map from
// floorKey to the permission set there (Fixture.Perms), with a row for
// every workspace an owner or admin holds implicitly. No lock.
type floorTable struct {
	m map[floorKey]roles.PermSet
}

var floorTables sync.Map // *Fixture -> *floorTable

// floorOf returns the floor table of f, built once: at 1M members it holds
// three million entries.
func floorOf(f *Fixture) *floorTable {
	if v, ok := floorTables.Load(f); ok {
		return v.(*floorTable)
	}
	m := make(map[floorKey]roles.PermSet, f.N*PerMember+12*Workspaces)
	for i := range f.N {
		user := UserID(i)
		for k := range PerMember {
			m[floorKey{user, f.Space(i, k)}] = f.Perms(i, f.Space(i, k))
		}
		if i < 12 { // owners and admins hold every workspace
			for _, ws := range f.Spaces {
				m[floorKey{user, ws}] = f.Perms(i, ws)
			}
		}
	}
	v, _ := floorTables.LoadOrStore(f, &floorTable{m: m})
	return v.(*floorTable)
}

// benchFloor is the timed loop of the floor, shaped like BenchCan's. It is a
// function of its own on purpose: compiled inside the closure that also
// built the table, the loop kept its variables on the stack, built each key
// there and then copied it to a second slot with 16-byte loads over two
// 8-byte stores, a load the store buffer cannot forward. Every probe then
// waited for the one before it to finish: the same map and requests read
// 2.5× slower (median of 12 rounds, 120 ns against 48 ns at 1k), which made
// Can look as fast as its floor.
func benchFloor(b *testing.B, t *floorTable, qs []Request) {
	mask := len(qs) - 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&mask]
		if t.m[floorKey{q.UserID, q.Workspace}].Has(q.Perm) != q.Want {
			b.Fatalf("floor(%s, %s, %d) != %v", q.UserID, q.Workspace, q.Perm, q.Want)
		}
	}
}

// turnBlock is how many requests each side answers in its turn: enough
// that reading the clock costs nothing beside them.
const turnBlock = 256

// benchInTurns is BenchmarkCanInTurns's loop: each iteration answers a
// block of requests from the floor, then a block through Can. Can answers
// the block half the sequence away, so that it never finds the request
// strings in the cache because the floor has just read them.
func benchInTurns(b *testing.B, t *floorTable, bl *Built, qs []Request) {
	half := len(qs) / 2
	var floor, can time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		floorBlock(b, t, qs, i)
		t1 := time.Now()
		canBlock(b, bl, qs, i+half)
		can += time.Since(t1)
		floor += t1.Sub(t0)
		i += turnBlock
	}
	checks := float64(b.N) * turnBlock
	b.ReportMetric(float64(floor.Nanoseconds())/checks, "floor-ns/check")
	b.ReportMetric(float64(can.Nanoseconds())/checks, "can-ns/check")
	b.ReportMetric(float64(can)/float64(floor), "can/floor")
}

// floorBlock answers turnBlock requests from i on from the floor table.
//
//go:noinline
func floorBlock(b *testing.B, t *floorTable, qs []Request, i int) {
	mask := len(qs) - 1
	for j := i; j < i+turnBlock; j++ {
		q := &qs[j&mask]
		if t.m[floorKey{q.UserID, q.Workspace}].Has(q.Perm) != q.Want {
			b.Fatalf("floor(%s, %s, %d) != %v", q.UserID, q.Workspace, q.Perm, q.Want)
		}
	}
}

// canBlock answers turnBlock requests from i on through Can.
//
//go:noinline
func canBlock(b *testing.B, bl *Built, qs []Request, i int) {
	ctx, org := context.Background(), bl.F.Org.ID
	mask := len(qs) - 1
	for j := i; j < i+turnBlock; j++ {
		q := &qs[j&mask]
		if ok, err := bl.Svc.Can(ctx, org, q.UserID, q.Workspace, q.Perm); ok != q.Want || err != nil {
			b.Fatalf("Can(%s, %s, %d) = %v, %v; want %v", q.UserID, q.Workspace, q.Perm, ok, err, q.Want)
		}
	}
}
