package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// writeFigures prints one row per benchmark: runs and the median figures,
// names left-aligned and numbers right-aligned.
func writeFigures(w io.Writer, res *results) {
	rows := [][]string{{"benchmark (median of runs)", "runs", "time/op", "B/op", "allocs/op", "other"}}
	for _, name := range res.order {
		cell := func(unit string) string {
			v, ok := res.median(name, unit)
			if !ok {
				return "-"
			}
			if unit == "ns/op" {
				return duration(v)
			}
			return number(v)
		}
		var other []string
		for _, u := range res.units[name] {
			switch u {
			case "ns/op", "B/op", "allocs/op":
				continue
			}
			v, _ := res.median(name, u)
			other = append(other, number(v)+" "+u)
		}
		rows = append(rows, []string{name, strconv.Itoa(res.runs(name)),
			cell("ns/op"), cell("B/op"), cell("allocs/op"), strings.Join(other, "  ")})
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			case i == len(r)-1:
				b.WriteString("  " + c)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// writeChecks prints the workload targets measured in this run and returns
// how many were missed.
func writeChecks(w io.Writer, checks []check, notMeasured []string) int {
	missed := 0
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(checks) > 0 {
		fmt.Fprintln(tw, "target\tbenchmark\tvs\tmeasured\ttarget\tmet")
	}
	for _, c := range checks {
		op := "≤"
		if c.rule.atLeast {
			op = "≥"
		}
		measured, target := number(c.value), number(c.rule.target)
		vs := c.den
		if c.den == "" {
			vs = "(" + c.rule.figure() + ")"
		} else {
			measured += "×"
			target += "×"
			if c.rule.speedup {
				vs = "faster than " + vs
			}
		}
		ok := "yes"
		if !c.met() {
			ok = "NO"
			missed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s\n", c.rule.label, c.num, vs, measured, op, target, ok)
	}
	tw.Flush()
	if len(checks) == 0 {
		fmt.Fprintln(w, "no workload target could be measured from this run")
	}
	if len(notMeasured) > 0 {
		fmt.Fprintln(w, "\nnot measured in this run:")
		for _, l := range notMeasured {
			fmt.Fprintln(w, "  "+l)
		}
	}
	fmt.Fprintf(w, "\ntargets: %d met, %d missed\n", len(checks)-missed, missed)
	return missed
}

// duration formats nanoseconds with a readable unit.
func duration(ns float64) string {
	switch {
	case ns >= 1e9:
		return number(ns/1e9) + " s"
	case ns >= 1e6:
		return number(ns/1e6) + " ms"
	case ns >= 1e3:
		return number(ns/1e3) + " µs"
	default:
		return number(ns) + " ns"
	}
}

// number prints v plainly: whole numbers as they are, others with about
// three significant digits.
func number(v float64) string {
	a := math.Abs(v)
	switch {
	case v == math.Trunc(v) && a < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
