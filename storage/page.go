package storage

import (
	"encoding/base64"
	"fmt"
)

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Page asks for one page of a list: up to Limit items after the item the
// cursor After points at. The zero Page is the first page of
// DefaultPageSize items.
type Page struct {
	// After is the cursor a previous page returned; "" starts at the
	// beginning.
	After string
	// Limit is the page size: 0 means DefaultPageSize; more than MaxPageSize
	// is cut to MaxPageSize; negative is an error.
	Limit int
}

// Size returns the effective page size, or an error wrapping
// ErrInvalidCursor for a negative limit.
func (p Page) Size() (int, error) {
	switch {
	case p.Limit < 0:
		return 0, fmt.Errorf("%w: negative page limit %d", ErrInvalidCursor, p.Limit)
	case p.Limit == 0:
		return DefaultPageSize, nil
	case p.Limit > MaxPageSize:
		return MaxPageSize, nil
	}
	return p.Limit, nil
}

// Key decodes the cursor into the sort key of the last item of the previous
// page; "" for the first page. Stores use it for keyset pagination.
func (p Page) Key() (string, error) {
	if p.After == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.After)
	if err != nil || len(b) < 2 || b[0] != cursorVersion {
		return "", ErrInvalidCursor
	}
	return string(b[1:]), nil
}

// Cursor encodes the sort key of a page's last item as an opaque cursor.
func Cursor(key string) string {
	b := make([]byte, 1+len(key))
	b[0] = cursorVersion
	copy(b[1:], key)
	return base64.RawURLEncoding.EncodeToString(b)
}

const cursorVersion = 1
