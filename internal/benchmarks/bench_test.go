package benchmarks

import "testing"

// BenchmarkFloor is the physical floor of BenchmarkCan: the same fixture
// and the very same request sequences, each answered by a map probe and a
// bit test (floor_test.go). It runs just before BenchmarkCan, on the same
// heap. BenchmarkCan/memstore/{size}/{kind} divided by
// BenchmarkFloor/{size}/{kind} is what a check costs beyond the floor.
func BenchmarkFloor(b *testing.B) {
	onFloors(b, func(b *testing.B, t *floorTable, _ *Built, qs []Request) { benchFloor(b, t, qs) })
}

// BenchmarkCanInTurns times Can and its floor in turns, a block of
// requests each, on the same fixture and request sequence, and reports
// each one's time per check and their ratio (can/floor). Taken in turns,
// both see the same machine: a drift in its speed, which shifts
// BenchmarkCan against a BenchmarkFloor run minutes before, shifts both
// here. The ratio table (scripts/bench) reads can/floor from here.
func BenchmarkCanInTurns(b *testing.B) { onFloors(b, benchInTurns) }

// onFloors runs fn as sub-benchmark {size}/{kind} for every check size and
// request kind, with memstore's fixture of that size, its floor table and
// the kind's request sequence.
func onFloors(b *testing.B, fn func(b *testing.B, t *floorTable, bl *Built, qs []Request)) {
	for _, n := range CheckSizes() {
		bl := workload.Fixture(b, memstoreTarget, n)
		table := floorOf(bl.F)
		for _, kind := range Kinds {
			qs := workload.Requests(bl.F, kind)
			b.Run(Label(n)+"/"+kind, func(b *testing.B) { fn(b, table, bl, qs) })
		}
	}
}

// BenchmarkCan is the permission check through the Service, on the
// request sequences of BenchmarkFloor (Fixture.Requests).
func BenchmarkCan(b *testing.B) { workload.Can(b, targets) }

// BenchmarkCanParallel runs the allowed check on every core.
func BenchmarkCanParallel(b *testing.B) { workload.CanParallel(b, targets) }

// BenchmarkListMembers reads a page of 50 members at the start and at about
// 90 % of the organization.
func BenchmarkListMembers(b *testing.B) { workload.ListMembers(b, targets) }

// BenchmarkRemoveMember removes a member holding 3 workspaces, in
// organizations of 1k and 100k members.
func BenchmarkRemoveMember(b *testing.B) { workload.RemoveMember(b, targets) }

// BenchmarkInviteBatch10 invites ten new addresses in one request.
func BenchmarkInviteBatch10(b *testing.B) { workload.InviteBatch10(b, targets) }

// BenchmarkAccept accepts one pending invitation.
func BenchmarkAccept(b *testing.B) { workload.Accept(b, targets) }
