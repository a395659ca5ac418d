// Package hostdata holds the one rule for the small maps of host data that
// invitations and links carry to the member they admit: how many keys,
// which keys, how long a value.
package hostdata

import (
	"errors"
	"fmt"
	"maps"
	"unicode/utf8"
)

// Bounds of a host data map.
const (
	MaxKeys     = 16   // keys in one map
	MaxKeyLen   = 64   // bytes of a key: ASCII letters, digits, '.', '_' and '-'
	MaxValueLen = 1024 // bytes of a value: valid UTF-8
)

// ErrInvalid is wrapped by every error of Check; callers wrap it again with
// their own sentinel.
var ErrInvalid = errors.New("invalid host data")

// Check returns nil when m is within the bounds, and an error naming the
// first offending key (clipped) otherwise. Its message never carries a
// value.
func Check(m map[string]string) error {
	if len(m) > MaxKeys {
		return fmt.Errorf("%w: %d keys, at most %d", ErrInvalid, len(m), MaxKeys)
	}
	for k, v := range m {
		if !validKey(k) {
			return fmt.Errorf("%w: key %q must be 1 to %d of a-z, A-Z, 0-9, '.', '_', '-'", ErrInvalid, clip(k), MaxKeyLen)
		}
		if len(v) > MaxValueLen {
			return fmt.Errorf("%w: the value of %q is longer than %d bytes", ErrInvalid, k, MaxValueLen)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: the value of %q is not valid UTF-8", ErrInvalid, k)
		}
	}
	return nil
}

// Clone returns a copy of m that shares no memory with it; nil when m is
// empty, so that "no data" has one form.
func Clone(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}

func validKey(k string) bool {
	if k == "" || len(k) > MaxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// clip shortens a bad key for an error message and makes it valid UTF-8.
func clip(k string) string {
	if len(k) > MaxKeyLen {
		k = k[:MaxKeyLen] + "…"
	}
	return string([]rune(k)) // invalid bytes become U+FFFD
}
