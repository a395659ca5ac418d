package sqlstore

import (
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// The JSON columns of a page's rows (audit before and after, invitation
// workspaces and host data) hold objects of strings: encJSON writes them
// with encoding/json from maps. Text in that form without escapes, which
// is nearly all of it, decodes here into maps whose keys and values are
// pieces of the column's text, with no copy and no reflection; any other
// text is decoded by encoding/json, so the result is always the one it
// gives.

// flatPairs calls fn with each key and value of s when s is a JSON object
// of strings written without spaces or escapes ({"k":"v",...}), and
// reports whether it was one and fn accepted every pair. The pieces fn
// gets are substrings of s.
func flatPairs(s string, fn func(k, v string) bool) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || !utf8.ValidString(s) {
		return false
	}
	body := s[1 : len(s)-1]
	for body != "" {
		k, rest, ok := flatString(body)
		if !ok || rest == "" || rest[0] != ':' {
			return false
		}
		v, rest, ok := flatString(rest[1:])
		if !ok || !fn(k, v) {
			return false
		}
		if rest == "" {
			break
		}
		if rest[0] != ',' || len(rest) == 1 {
			return false
		}
		body = rest[1:]
	}
	return true
}

// flatString reads the JSON string at the start of s when it has no
// escape and no control character, and returns its text and what follows.
func flatString(s string) (text, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[1:i], s[i+1:], true
		case c == '\\' || c < 0x20:
			return "", "", false
		}
	}
	return "", "", false
}

// pairCount is the number of pairs of a flat object s: each has one `":"`,
// which no string of such an object holds. It sizes the map.
func pairCount(s string) int { return strings.Count(s, `":"`) }

// decStringMap decodes a JSON column of a map[string]string, as
// decJSON(s, &m) does: "null" is nil, "{}" an empty map.
func decStringMap(s string) (map[string]string, error) {
	if s == "null" {
		return nil, nil
	}
	m := make(map[string]string, pairCount(s))
	if flatPairs(s, func(k, v string) bool {
		m[k] = v
		return true
	}) {
		return m, nil
	}
	m = nil
	if err := decJSON(s, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decWorkspaceRoles decodes a JSON column of workspace roles by workspace
// ID, as decJSON(s, &m) does.
func decWorkspaceRoles(s string) (map[uuid.UUID]roles.Role, error) {
	if s == "null" {
		return nil, nil
	}
	m := make(map[uuid.UUID]roles.Role, pairCount(s))
	if flatPairs(s, func(k, v string) bool {
		id, err := uuid.Parse(k)
		m[id] = roles.Role(v)
		return err == nil
	}) {
		return m, nil
	}
	m = nil
	if err := decJSON(s, &m); err != nil {
		return nil, err
	}
	return m, nil
}
