package ident

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of names and user IDs.
const (
	// MaxNameLen is the most characters (runes) of a name.
	MaxNameLen = 200
	// MaxUserIDLen is the most bytes of a host user ID.
	MaxUserIDLen = 255
)

// checkText returns why s may not be shown to a person, or "": it must be
// valid UTF-8 without control characters (CR, LF, NUL, ESC, NEL…), line or
// paragraph separators, invisible or direction-changing characters
// (Unicode's format characters: bidi overrides and isolates, zero-width
// spaces and joiners, the byte order mark, word joiner, soft hyphen, tag
// characters; and fillers that show as nothing), private-use characters or
// non-characters.
func checkText(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\r' || c == '\n' || c == 0:
				return "contains CR, LF or NUL"
			case c < 0x20 || c == 0x7f:
				return "contains a control character"
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if why := checkRune(r, n); why != "" {
			return why
		}
		i += n
	}
	return ""
}

// checkRune is checkText for one non-ASCII rune of n bytes.
func checkRune(r rune, n int) string {
	switch {
	case r == utf8.RuneError && n == 1:
		return "is not valid UTF-8"
	case unicode.IsControl(r):
		return "contains a control character"
	case r == '\u2028' || r == '\u2029':
		return "contains a line or paragraph separator"
	case r == utf8.RuneError || unicode.Is(unicode.Cf, r) || invisible(r):
		return "contains an invisible or direction-changing character"
	case unicode.In(r, unicode.Noncharacter_Code_Point, unicode.Co, unicode.Cs):
		return "contains a private-use or non-character"
	}
	return ""
}

// invisible reports the characters outside the format category that
// render as nothing and serve only to hide or fake a name: Hangul fillers,
// the combining grapheme joiner, Khmer inherent vowels and Mongolian
// variation selectors. (Emoji variation selectors stay allowed.)
func invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u034f', '\u17b4', '\u17b5',
		'\u180b', '\u180c', '\u180d', '\u180f':
		return true
	}
	return false
}

func invalidInput(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// CleanName trims a name (of an organization, workspace, member, invitee)
// and checks it: 1 to MaxNameLen characters that checkText allows. what
// names the field in the error, which wraps ErrInvalidInput.
func CleanName(what, name string) (string, error) {
	if why := nameWhy(name); why != "" {
		return "", invalidInput("%s %s", what, why)
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", invalidInput("%s is empty", what)
	}
	return name, nil
}

// OptionalName is CleanName for a name that may be empty (or blank, which
// gives "").
func OptionalName(what, name string) (string, error) {
	if why := nameWhy(name); why != "" {
		return "", invalidInput("%s %s", what, why)
	}
	return strings.TrimSpace(name), nil
}

// nameWhy returns why name (trimmed or not) is refused, or "".
func nameWhy(name string) string {
	if why := checkText(name); why != "" {
		return why
	}
	if utf8.RuneCountInString(strings.TrimSpace(name)) > MaxNameLen {
		return fmt.Sprintf("is longer than %d characters", MaxNameLen)
	}
	return ""
}

// CheckUserID accepts a host user ID: 1 to MaxUserIDLen bytes of valid
// UTF-8 without control characters or surrounding spaces. what names the
// field in the error, which wraps ErrInvalidInput.
func CheckUserID(what, id string) error {
	switch {
	case id == "":
		return invalidInput("%s is empty", what)
	case len(id) > MaxUserIDLen:
		return invalidInput("%s is longer than %d bytes", what, MaxUserIDLen)
	case !utf8.ValidString(id):
		return invalidInput("%s is not valid UTF-8", what)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return invalidInput("%s contains control characters", what)
	case strings.TrimSpace(id) != id:
		return invalidInput("%s has surrounding spaces", what)
	}
	return nil
}
