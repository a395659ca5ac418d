package ident

import (
	"strings"
	"testing"
)

// adversarialLists are shapes of typed lists that make a careless splitter
// look at the same bytes again and again, built to about size bytes.
func adversarialLists(size int) map[string]string {
	fill := func(unit string) string { return strings.Repeat(unit, size/len(unit)+1)[:size] }
	return map[string]string{
		"SpacesAfterAnAddressThenAParenthesis": "a@b.co" + strings.Repeat(" ", size) + "(",
		"SpacesAfterAnAddress":                 "a@b.co" + strings.Repeat(" ", size),
		"SpacesAfterAnAngleAddress":            "<a@b.co>" + strings.Repeat("\u00a0", size/2) + "(",
		"ManySpaceRunsThenParenthesis":         fill("a@b.co" + strings.Repeat(" ", 100) + "(x) "),
		"UnclosedQuote":                        `"` + fill(`a\"`),
		"UnclosedAngle":                        "<" + fill("a@b,"),
		"NestedParentheses":                    "a@b.co " + fill("((") + fill("))"),
		"AtSigns":                              fill("@ "),
		"Separators":                           fill(",;"),
		"Addresses":                            fill("ann@acme.com, "),
	}
}

func TestSplitIsLinear(t *testing.T) {
	for _, size := range []int{1 << 10, 64 << 10} {
		for name, list := range adversarialLists(size) {
			_, steps := split(list, 0)
			if steps > 2*len(list)+16 {
				t.Errorf("%s (%d bytes): %d steps, want at most two a byte", name, len(list), steps)
			}
		}
	}
}

func FuzzSplitIsLinear(f *testing.F) {
	for _, list := range adversarialLists(64) {
		f.Add(list)
	}
	f.Fuzz(func(t *testing.T, list string) {
		out, steps := split(list, 0)
		if steps > 2*len(list)+16 {
			t.Fatalf("%d steps for %d bytes", steps, len(list))
		}
		for _, e := range out {
			if e == "" || strings.TrimSpace(e) != e {
				t.Fatalf("entry %q is blank or untrimmed", e)
			}
		}
	})
}
