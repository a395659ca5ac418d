package ident

import (
	"unicode"
	"unicode/utf8"
)

// scriptSets are the combinations of scripts one label may mix (the
// "highly restrictive" level of Unicode TS #39): one script, or Latin with
// the scripts of Japanese, Chinese or Korean writing.
var scriptSets = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixedScripts reports whether label mixes scripts in a way no language
// does, such as a Cyrillic "а" among Latin letters.
func mixedScripts(label string) bool {
	var seen []string
	for _, r := range label {
		s := scriptOf(r)
		if s == "" {
			continue
		}
		found := false
		for _, x := range seen {
			found = found || x == s
		}
		if !found {
			seen = append(seen, s)
		}
	}
	if len(seen) <= 1 {
		return false
	}
	for _, set := range scriptSets {
		all := true
		for _, s := range seen {
			in := false
			for _, x := range set {
				in = in || x == s
			}
			all = all && in
		}
		if all {
			return false
		}
	}
	return true
}

// commonScripts are tried first: most letters are in one of them.
var commonScripts = []string{"Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Arabic", "Hebrew"}

// scriptOf names the script of r, or "" for characters common to all
// scripts (digits, hyphen) and combining marks.
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	for _, name := range commonScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return "Unknown"
}
