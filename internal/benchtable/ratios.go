package main

import (
	"regexp"
	"strings"
)

// rule is one workload target. Each benchmark whose name matches num is
// checked: against the first existing denominator in den (a ratio), or, with
// no den, by its own figure.
type rule struct {
	label   string   // the target in words
	num     string   // regexp on benchmark names; its named groups fill den
	den     []string // denominator names; "{group}" expands; first present wins
	unit    string   // figure compared; "" means ns/op
	speedup bool     // report den/num (times faster) instead of num/den
	atLeast bool     // the target is a minimum; otherwise a maximum
	target  float64
}

// defaultRules are the targets of the benchmark workload.
var defaultRules = []rule{
	// Can and the floor read the same fixture and the same requests: each
	// check is divided by the floor of its own size and kind, never by
	// another's (a 1M check over a 1k floor, or a deny over an allow, says
	// nothing about what the check adds).
	{label: "Can on memstore vs the map floor", num: `^Can/memstore/(?P<size>[^/]+)/(?P<kind>[^/]+)$`,
		den: []string{"Floor/{size}/{kind}"}, target: 2},
	// The same ratio with both taken in turns on one machine state
	// (BenchmarkCanInTurns), whose ratio it reports itself.
	{label: "Can vs the map floor, in turns", num: `^CanInTurns/`, unit: "can/floor", target: 1.3},
	{label: "Can on memstore allocates nothing", num: `^Can/memstore/`, unit: "allocs/op", target: 0},
	{label: "CanParallel speed-up on all cores", num: `^CanParallel/memstore(?:/(?P<rest>.+))?$`,
		den: []string{"Can/memstore/{rest}", "Can/memstore/1k/allow", "Can/memstore/allow"}, speedup: true, atLeast: true, target: 1.6},
	{label: "Can on SQL vs a bare point select", num: `^Can/(?P<db>sqlite|postgres|mysql)(?:/.*)?$`,
		den: []string{"PointSelect/{db}"}, target: 1.5},
	{label: "member page: deep vs first", num: `^ListMembers/(?P<store>[^/]+)/(?P<size>[^/]+)/deep$`,
		den: []string{"ListMembers/{store}/{size}/first"}, target: 1.3},
	{label: "member page: large org vs 1k", num: `^ListMembers/(?P<store>[^/]+)/(?:100k|1M)/(?P<pos>[^/]+)$`,
		den: []string{"ListMembers/{store}/1k/{pos}"}, target: 1.3},
	{label: "remove member: 100k org vs 1k", num: `^RemoveMember/(?P<store>[^/]+)/100k$`,
		den: []string{"RemoveMember/{store}/1k"}, target: 1.3},
	{label: "token verify under 1 µs (ns/op)", num: `^TokenVerify(?:/.*)?$`, target: 1000},
	// The peer comparison (bench/): BenchmarkPeer/<engine>/<size>/<case>,
	// Roster against each Casbin enforcer on the same size and case.
	{label: "Roster faster than Casbin Enforce", num: `^Peer/roster/(?P<rest>[^/]+/[^/]+)$`,
		den: []string{"Peer/casbin/{rest}"}, speedup: true, atLeast: true, target: 100},
	{label: "Roster faster than Casbin cached", num: `^Peer/roster/(?P<rest>[^/]+/[^/]+)$`,
		den: []string{"Peer/casbin-cached/{rest}"}, speedup: true, atLeast: true, target: 3},
	{label: "Roster faster than Casbin synced cached", num: `^Peer/roster/(?P<rest>[^/]+/[^/]+)$`,
		den: []string{"Peer/casbin-synced/{rest}"}, speedup: true, atLeast: true, target: 3},
	{label: "Roster beside Casbin allocates nothing", num: `^Peer/roster/`, unit: "allocs/op", target: 0},
}

// check is one rule applied to one benchmark.
type check struct {
	rule  rule
	num   string  // the benchmark checked
	den   string  // the denominator's name; "" for a figure of its own
	value float64 // the ratio, or the figure
}

// met reports whether the check meets its rule's target.
func (c check) met() bool {
	if c.rule.atLeast {
		return c.value >= c.rule.target
	}
	return c.value <= c.rule.target
}

func (ru rule) figure() string {
	if ru.unit == "" {
		return "ns/op"
	}
	return ru.unit
}

// evaluate applies every rule to every benchmark in res, in the run's order.
func evaluate(rules []rule, res *results) []check {
	var out []check
	for _, ru := range rules {
		re := regexp.MustCompile(ru.num)
		for _, name := range res.order {
			m := re.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			num, ok := res.median(name, ru.figure())
			if !ok {
				continue
			}
			if len(ru.den) == 0 {
				out = append(out, check{rule: ru, num: name, value: num})
				continue
			}
			den, denName, ok := denominator(ru, re, m, res)
			if !ok || den == 0 || num == 0 {
				continue
			}
			v := num / den
			if ru.speedup {
				v = den / num
			}
			out = append(out, check{rule: ru, num: name, den: denName, value: v})
		}
	}
	return out
}

// denominator finds the first of ru.den present in res, with the groups of
// match m filled in. A template naming a group that matched nothing is skipped.
func denominator(ru rule, re *regexp.Regexp, m []string, res *results) (float64, string, bool) {
	for _, tmpl := range ru.den {
		name, ok := expand(tmpl, re, m)
		if !ok {
			continue
		}
		if v, ok := res.median(name, ru.figure()); ok {
			return v, name, true
		}
	}
	return 0, "", false
}

func expand(tmpl string, re *regexp.Regexp, m []string) (string, bool) {
	out := tmpl
	for i, g := range re.SubexpNames() {
		if g == "" || !strings.Contains(out, "{"+g+"}") {
			continue
		}
		if m[i] == "" {
			return "", false
		}
		out = strings.ReplaceAll(out, "{"+g+"}", m[i])
	}
	return out, !strings.Contains(out, "{")
}

// unmeasured lists the rules that produced no check in this run.
func unmeasured(rules []rule, res *results) []string {
	measured := map[string]bool{}
	for _, c := range evaluate(rules, res) {
		measured[c.rule.label] = true
	}
	var out []string
	for _, ru := range rules {
		if !measured[ru.label] {
			out = append(out, ru.label)
		}
	}
	return out
}
