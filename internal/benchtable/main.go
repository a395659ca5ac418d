// Command benchtable reads the output of `go test -bench` (files named as
// arguments, or standard input) and prints one table: the median of every
// figure of every benchmark over its runs, then each workload target's ratio
// as measured in the same run.
//
// Benchmark names are matched without their "Benchmark" prefix and their
// "-GOMAXPROCS" suffix, e.g. "Can/memstore/1k/allow"; a name that a second
// package also reports is shown there as "pkg.Name". The targets are the rules
// in ratios.go; a target whose benchmarks are absent from the run is listed
// as not measured.
//
// Usage:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./... | tee bench.txt
//	go run ./internal/benchtable bench.txt
//
// With -strict it exits with status 1 when a measured target is missed.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	strict := flag.Bool("strict", false, "exit 1 when a measured target is missed")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchtable [-strict] [go-test-bench-output...]")
		flag.PrintDefaults()
	}
	flag.Parse()

	res := newResults()
	if flag.NArg() == 0 {
		if err := res.parse(os.Stdin); err != nil {
			fail(err)
		}
	}
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fail(err)
		}
		err = res.parse(f)
		f.Close()
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	if len(res.order) == 0 {
		fail(fmt.Errorf("no benchmark results in the input"))
	}

	writeFigures(os.Stdout, res)
	fmt.Println()
	checks := evaluate(defaultRules, res)
	missed := writeChecks(os.Stdout, checks, unmeasured(defaultRules, res))
	if *strict && missed > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchtable:", err)
	os.Exit(2)
}
