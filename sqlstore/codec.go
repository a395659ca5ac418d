package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// Column encodings shared by every dialect.
//
// Timestamps are fixed-width UTC RFC 3339 text with nanoseconds
// ("2026-11-22T09:30:00.000000000Z"): they round-trip exactly on every
// dialect (PostgreSQL and MySQL keep microseconds at most), sort as text in
// time order, and read as dates (PostgreSQL: column::timestamptz). They come
// from the values the library passes, which come from its Clock; the store
// never asks the database for the time.

const timeLayout = "2006-01-02T15:04:05.000000000Z"

// encTime encodes t for a timestamp column.
func encTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// checkTimes refuses a time a timestamp column could not give back: one
// outside the years 0000 to 9999 of its fixed-width text. The error wraps
// membership.ErrInvalidInput; nothing is written.
func checkTimes(ts ...time.Time) error {
	for _, t := range ts {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return fmt.Errorf("sqlstore: %w: time in year %d is outside the years 0000 to 9999 a store keeps", membership.ErrInvalidInput, y)
		}
	}
	return nil
}

// decTime decodes a timestamp column.
func decTime(s string) (time.Time, error) {
	t, ok := parseStamp(s)
	if !ok {
		return time.Time{}, errStamp
	}
	return t, nil
}

// errStamp is the error of a timestamp column that does not parse.
var errStamp = errors.New("sqlstore: stored timestamp does not parse")

// decTimes decodes timestamp columns src into dst, in order.
func decTimes(src []string, dst ...*time.Time) error {
	for i, s := range src {
		t, err := decTime(s)
		if err != nil {
			return err
		}
		*dst[i] = t
	}
	return nil
}

// encBytes encodes a byte slice column: NULL for nil, so that an absent
// token hash never collides with another in a unique index.
func encBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// encPerms encodes a permission set as a signed 64-bit integer, bit for bit
// (database/sql has no unsigned 64-bit values).
func encPerms(p roles.PermSet) int64 { return int64(p) }

func decPerms(v int64) roles.PermSet { return roles.PermSet(uint64(v)) }

// encJSON encodes v as JSON text.
func encJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encoding a column: %w", err)
	}
	return string(b), nil
}

// decJSON decodes JSON text into v.
func decJSON(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("sqlstore: stored JSON does not decode")
	}
	return nil
}

// encData encodes host data as a JSON object, or NULL when there is none.
func encData(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return encJSON(m)
}

// decData decodes a host data column; NULL and an empty object are nil.
func decData(s sql.NullString) (map[string]string, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	m, err := decStringMap(s.String)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// lowerASCII lower-cases the ASCII letters of s and leaves every other
// byte as it is: the key that prefix searches compare, which ignore ASCII
// case only.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// validText reports whether s is valid UTF-8. Text that is not can be in
// no row (PostgreSQL rejects it outright), so reads by such a key find
// nothing without asking the database.
func validText(s string) bool { return utf8.ValidString(s) }

// idKey decodes a page cursor whose key is a UUID. The first page starts
// after the nil UUID, which no record has.
func idKey(p storage.Page) (uuid.UUID, int, error) {
	n, err := p.Size()
	if err != nil {
		return uuid.Nil, 0, err
	}
	k, err := p.Key()
	if err != nil {
		return uuid.Nil, 0, err
	}
	if k == "" {
		return uuid.Nil, n, nil
	}
	id, err := uuid.Parse(k)
	if err != nil {
		return uuid.Nil, 0, storage.ErrInvalidCursor
	}
	return id, n, nil
}

// stringKey decodes a page cursor whose key is a string (a user ID). The
// first page starts after "", which sorts before every ID.
func stringKey(p storage.Page) (string, int, error) {
	n, err := p.Size()
	if err != nil {
		return "", 0, err
	}
	k, err := p.Key()
	if err != nil {
		return "", 0, err
	}
	if !validText(k) {
		return "", 0, storage.ErrInvalidCursor
	}
	return k, n, nil
}
