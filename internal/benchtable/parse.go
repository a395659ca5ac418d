package main

import (
	"bufio"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// results holds every figure of every benchmark, in the order first seen.
type results struct {
	order  []string                        // benchmark names, first-seen order
	values map[string]map[string][]float64 // name -> unit -> one value per run
	units  map[string][]string             // name -> units, first-seen order
	pkgOf  map[string]string               // name -> package that reported it
}

func newResults() *results {
	return &results{
		values: map[string]map[string][]float64{},
		units:  map[string][]string{},
		pkgOf:  map[string]string{},
	}
}

// procsSuffix is the "-GOMAXPROCS" that go test appends to a benchmark name.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse reads go test -bench output; lines that are not results are ignored.
func (r *results) parse(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	pkg := ""
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		name, figures, ok := parseLine(line)
		if !ok {
			continue
		}
		r.add(pkg, name, figures)
	}
	return sc.Err()
}

type figure struct {
	value float64
	unit  string
}

// parseLine splits one result line:
//
//	BenchmarkCan/memstore/allow-2   12345678   21.5 ns/op   0 B/op   0 allocs/op
func parseLine(line string) (string, []figure, bool) {
	if !strings.HasPrefix(line, "Benchmark") {
		return "", nil, false
	}
	f := strings.Fields(line)
	// name, iterations, then value-unit pairs.
	if len(f) < 4 || len(f)%2 != 0 {
		return "", nil, false
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return "", nil, false
	}
	name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	if name == "" {
		return "", nil, false
	}
	var figs []figure
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		figs = append(figs, figure{value: v, unit: f[i+1]})
	}
	return name, figs, true
}

// add records one result line. The first package to report a name owns
// it; the same name from another package is kept apart as "pkg.Name" (the
// package's last path element), so figures of different code never mix.
func (r *results) add(pkg, name string, figs []figure) {
	key := name
	if owner, seen := r.pkgOf[name]; seen && owner != pkg {
		key = path.Base(pkg) + "." + name
	}
	if _, seen := r.values[key]; !seen {
		r.order = append(r.order, key)
		r.values[key] = map[string][]float64{}
		r.pkgOf[key] = pkg
	}
	for _, fg := range figs {
		if _, seen := r.values[key][fg.unit]; !seen {
			r.units[key] = append(r.units[key], fg.unit)
		}
		r.values[key][fg.unit] = append(r.values[key][fg.unit], fg.value)
	}
}

// median returns the median of name's figures in unit, and whether any exist.
func (r *results) median(name, unit string) (float64, bool) {
	vs := r.values[name][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// runs returns how many results name has in ns/op (or in its first unit).
func (r *results) runs(name string) int {
	if vs, ok := r.values[name]["ns/op"]; ok {
		return len(vs)
	}
	if us := r.units[name]; len(us) > 0 {
		return len(r.values[name][us[0]])
	}
	return 0
}
