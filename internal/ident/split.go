package ident

import (
	"strings"
	"unicode"
)

// Split splits a typed list of addresses on commas, semicolons,
// whitespace and newlines, keeping "Name <addr>", quoted names and
// "addr (comment)" whole, and returns the non-empty entries, trimmed. It
// does not check them. With n > 0 it stops after n entries.
func Split(list string, n int) []string {
	out, _ := split(list, n)
	return out
}

// split is Split that also counts its steps: the runes it looked at and
// the bytes it trimmed. It looks at each rune once, never ahead, so it
// takes at most two steps a byte.
func split(list string, n int) ([]string, int) {
	var out []string
	steps := 0
	start := 0
	var inQuote, escape, inAngle, closedAngle, hasAt bool
	paren := 0
	gap := -1 // where a run of spaces after an address began
	flush := func(end int) {
		steps += end - start
		if e := strings.TrimSpace(list[start:end]); e != "" {
			out = append(out, e)
		}
		inQuote, escape, inAngle, closedAngle, hasAt, paren, gap = false, false, false, false, false, 0, -1
	}
	for i, r := range list {
		steps++
		if n > 0 && len(out) >= n {
			return out, steps
		}
		if gap >= 0 {
			// Spaces after an address end it, unless a comment follows:
			// "bob@x.com (Bob)". Decide at the first rune after the run.
			if unicode.IsSpace(r) {
				continue
			}
			if r == '(' {
				gap = -1
			} else {
				end := gap
				flush(end)
				start = end
			}
		}
		switch {
		case escape:
			escape = false
		case inQuote:
			switch r {
			case '\\':
				escape = true
			case '"':
				inQuote = false
			}
		case paren > 0:
			switch r {
			case '\\':
				escape = true
			case '(':
				paren++
			case ')':
				paren--
			}
		case inAngle:
			if r == '>' {
				inAngle, closedAngle = false, true
			}
		case r == '"':
			inQuote = true
		case r == '(':
			paren++
		case r == '<':
			inAngle = true
		case r == '@':
			hasAt = true
		case r == ',' || r == ';' || r == '\n' || r == '\r':
			// A line break always ends an entry: a name never spans lines,
			// so "ann@x,com" on one line and "bob@y.com" on the next stay
			// two bad and good entries, not one.
			flush(i)
			start = i + 1
		case unicode.IsSpace(r):
			if hasAt || closedAngle {
				gap = i
			}
			// else "Bob Smith <bob@…>": the name goes on
		}
	}
	if n <= 0 || len(out) < n {
		flush(len(list))
	}
	return out, steps
}
