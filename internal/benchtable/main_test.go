package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/rosterkit/roster/memstore
cpu: Some CPU
BenchmarkFloor/1k-2         	50000000	        20.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkFloor/1k-2         	50000000	        22.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkFloor/1k-2         	50000000	        90.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCan/memstore/allow-2	30000000	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCan/memstore/allow-2	30000000	        34.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCan/memstore/deny-2	30000000	        50.0 ns/op	      16 B/op	       1 allocs/op
BenchmarkCanParallel/memstore-2	60000000	        20.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkListMembers/memstore/1k/first-2	  100000	     10000 ns/op
BenchmarkListMembers/memstore/1k/deep-2 	  100000	     12000 ns/op
BenchmarkListMembers/memstore/1M/first-2	  100000	     20000 ns/op
BenchmarkInviteBatch10/memstore-2	   1000	   1500000 ns/op	  12 stmts/op
PASS
ok  	github.com/rosterkit/roster/memstore	12.3s
pkg: github.com/rosterkit/roster/sqlstore
BenchmarkPointSelect/sqlite-2	  200000	      5000 ns/op
BenchmarkCan/sqlite/allow-2 	  200000	      9000 ns/op
pkg: github.com/rosterkit/roster/internal/benchmarks
BenchmarkFloor/1k-2         	50000000	        10.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCan/memstore/1M/allow-2	30000000	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCan/memstore/1M/deny-2	30000000	        40.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkFloor/1M/allow-2   	50000000	        25.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkFloor/1M/mix-2     	50000000	        35.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCanInTurns/1k/allow-2	  100000	      9000 ns/op	        24.0 can-ns/check	         1.20 can/floor	        20.0 floor-ns/check	       0 B/op	       0 allocs/op
BenchmarkCanInTurns/1k/allow-2	  100000	      9000 ns/op	        28.0 can-ns/check	         1.40 can/floor	        20.0 floor-ns/check	       0 B/op	       0 allocs/op
BenchmarkCanInTurns/1k/allow-2	  100000	      9000 ns/op	        25.0 can-ns/check	         1.25 can/floor	        20.0 floor-ns/check	       0 B/op	       0 allocs/op
`

func parsed(t *testing.T) *results {
	t.Helper()
	res := newResults()
	if err := res.parse(strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestParseStripsPrefixAndProcs(t *testing.T) {
	res := parsed(t)
	want := []string{"Floor/1k", "Can/memstore/allow", "Can/memstore/deny", "CanParallel/memstore",
		"ListMembers/memstore/1k/first", "ListMembers/memstore/1k/deep", "ListMembers/memstore/1M/first",
		"InviteBatch10/memstore", "PointSelect/sqlite", "Can/sqlite/allow",
		"benchmarks.Floor/1k", "Can/memstore/1M/allow", "Can/memstore/1M/deny", "Floor/1M/allow", "Floor/1M/mix",
		"CanInTurns/1k/allow"}
	if strings.Join(res.order, ",") != strings.Join(want, ",") {
		t.Fatalf("names = %v, want %v", res.order, want)
	}
	if n := res.runs("Floor/1k"); n != 3 {
		t.Fatalf("Floor/1k runs = %d, want 3 (another package's Floor/1k must not mix in)", n)
	}
	if v, _ := res.median("InviteBatch10/memstore", "stmts/op"); v != 12 {
		t.Fatalf("custom metric median = %v, want 12", v)
	}
}

func TestParseLineRejectsNonResults(t *testing.T) {
	for _, line := range []string{
		"BenchmarkFoo",                       // a benchmark's name before its result
		"BenchmarkFoo-2 --- FAIL: something", // not a number of iterations
		"Benchmarks are fun 1 ns/op",         // not a result line at all
		"ok  	pkg	1.2s",
	} {
		if name, _, ok := parseLine(line); ok {
			t.Errorf("parseLine(%q) accepted as %q", line, name)
		}
	}
}

func TestMedianOddAndEven(t *testing.T) {
	res := parsed(t)
	if v, _ := res.median("Floor/1k", "ns/op"); v != 22 {
		t.Fatalf("odd median = %v, want 22 (the outlier must not count)", v)
	}
	if v, _ := res.median("Can/memstore/allow", "ns/op"); v != 32 {
		t.Fatalf("even median = %v, want 32", v)
	}
	if _, ok := res.median("Can/memstore/allow", "MB/s"); ok {
		t.Fatal("median of an absent unit reported as present")
	}
}

func find(checks []check, label, num string) (check, bool) {
	for _, c := range checks {
		if c.rule.label == label && c.num == num {
			return c, true
		}
	}
	return check{}, false
}

func TestRatiosFollowTheRules(t *testing.T) {
	checks := evaluate(defaultRules, parsed(t))
	cases := []struct {
		label, num, den string
		value           float64
		met             bool
	}{
		{"Can on memstore allocates nothing", "Can/memstore/deny", "", 1, false},
		{"Can on memstore allocates nothing", "Can/memstore/allow", "", 0, true},
		{"CanParallel speed-up on all cores", "CanParallel/memstore", "Can/memstore/allow", 32.0 / 20, true},
		{"Can on SQL vs a bare point select", "Can/sqlite/allow", "PointSelect/sqlite", 9000.0 / 5000, false},
		{"Can on memstore vs the map floor", "Can/memstore/1M/allow", "Floor/1M/allow", 30.0 / 25, true},
		{"Can vs the map floor, in turns", "CanInTurns/1k/allow", "", 1.25, true},
		{"member page: deep vs first", "ListMembers/memstore/1k/deep", "ListMembers/memstore/1k/first", 1.2, true},
		{"member page: large org vs 1k", "ListMembers/memstore/1M/first", "ListMembers/memstore/1k/first", 2, false},
	}
	for _, tc := range cases {
		c, ok := find(checks, tc.label, tc.num)
		if !ok {
			t.Errorf("%s: no check for %s", tc.label, tc.num)
			continue
		}
		if c.den != tc.den || c.value != tc.value || c.met() != tc.met {
			t.Errorf("%s %s: got vs %q = %v met %v; want vs %q = %v met %v",
				tc.label, tc.num, c.den, c.value, c.met(), tc.den, tc.value, tc.met)
		}
	}
	// A ratio whose denominator is missing is not reported, and a check is
	// never divided by a floor of another size or kind.
	for _, c := range []struct{ label, num string }{
		{"member page: deep vs first", "ListMembers/memstore/1M/deep"},
		{"Can on memstore vs the map floor", "Can/memstore/allow"},
		{"Can on memstore vs the map floor", "Can/memstore/1M/deny"},
	} {
		if got, ok := find(checks, c.label, c.num); ok {
			t.Errorf("unexpected check %s vs %s", got.num, got.den)
		}
	}
}

func TestUnmeasuredListsAbsentTargets(t *testing.T) {
	got := strings.Join(unmeasured(defaultRules, parsed(t)), "|")
	for _, want := range []string{"token verify under 1 µs (ns/op)", "remove member: 100k org vs 1k"} {
		if !strings.Contains(got, want) {
			t.Errorf("unmeasured %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "Can on memstore vs the map floor") {
		t.Errorf("measured target listed as unmeasured: %q", got)
	}
}

func TestTablesPrintMediansAndMisses(t *testing.T) {
	res := parsed(t)
	var buf bytes.Buffer
	writeFigures(&buf, res)
	missed := writeChecks(&buf, evaluate(defaultRules, res), nil)
	out := buf.String()
	for _, want := range []string{"Floor/1k", "22 ns", "1.50 ms", "12 stmts/op", "NO", "1.20×"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if missed != 3 {
		t.Errorf("missed = %d, want 3:\n%s", missed, out)
	}
}

func TestPeerRatiosCompareSameSizeAndCase(t *testing.T) {
	const peer = `pkg: github.com/rosterkit/roster/bench
BenchmarkPeer/roster/1k/allow-2        	 1000000	        50.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkPeer/roster/100k/allow-2      	 1000000	       100.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkPeer/casbin/1k/allow-2        	   10000	     20000 ns/op	    8000 B/op	     180 allocs/op
BenchmarkPeer/casbin/100k/allow-2      	   10000	      8000 ns/op	    8000 B/op	     180 allocs/op
BenchmarkPeer/casbin-cached/1k/allow-2 	 1000000	       200 ns/op	     176 B/op	       6 allocs/op
BenchmarkPeer/casbin-synced/1k/allow-2 	 1000000	       100 ns/op	     176 B/op	       6 allocs/op
BenchmarkPeer/casbin-synced/1k/deny-2  	 1000000	       100 ns/op	     176 B/op	       6 allocs/op
`
	res := newResults()
	if err := res.parse(strings.NewReader(peer)); err != nil {
		t.Fatal(err)
	}
	checks := evaluate(defaultRules, res)
	cases := []struct {
		label, num, den string
		value           float64
		met             bool
	}{
		{"Roster faster than Casbin Enforce", "Peer/roster/1k/allow", "Peer/casbin/1k/allow", 400, true},
		{"Roster faster than Casbin Enforce", "Peer/roster/100k/allow", "Peer/casbin/100k/allow", 80, false},
		{"Roster faster than Casbin cached", "Peer/roster/1k/allow", "Peer/casbin-cached/1k/allow", 4, true},
		{"Roster faster than Casbin synced cached", "Peer/roster/1k/allow", "Peer/casbin-synced/1k/allow", 2, false},
		{"Roster beside Casbin allocates nothing", "Peer/roster/100k/allow", "", 0, true},
	}
	for _, tc := range cases {
		c, ok := find(checks, tc.label, tc.num)
		if !ok {
			t.Errorf("%s: no check for %s", tc.label, tc.num)
			continue
		}
		if c.den != tc.den || c.value != tc.value || c.met() != tc.met {
			t.Errorf("%s %s: got vs %q = %v met %v; want vs %q = %v met %v",
				tc.label, tc.num, c.den, c.value, c.met(), tc.den, tc.value, tc.met)
		}
	}
	// No cached figure at 100k in the run: no ratio, and never one against
	// another size.
	if c, ok := find(checks, "Roster faster than Casbin cached", "Peer/roster/100k/allow"); ok {
		t.Errorf("unexpected check %s vs %s", c.num, c.den)
	}
}
