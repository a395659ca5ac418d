package memstore

import (
	"context"
	"fmt"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// Lists are keyset-paged: a page starts right after the key its cursor
// names, found in O(log n), so the thousandth page costs what the first
// does.

// stringPage decodes page for a list keyed by a string: the page size and
// the smallest key the page may hold.
func stringPage(what string, page storage.Page) (size int, from string, err error) {
	if size, err = page.Size(); err != nil {
		return 0, "", fmt.Errorf("memstore: %s: %w", what, err)
	}
	key, err := page.Key()
	if err != nil {
		return 0, "", fmt.Errorf("memstore: %s: %w", what, err)
	}
	if page.After != "" {
		key += "\x00" // the first string after key
	}
	return size, key, nil
}

// idPage decodes page for a list keyed by a UUID: the page size, the
// smallest ID the page may hold, and whether the list is exhausted (the
// cursor was the largest UUID).
func idPage(what string, page storage.Page) (size int, from uuid.UUID, end bool, err error) {
	if size, err = page.Size(); err != nil {
		return 0, uuid.Nil, false, fmt.Errorf("memstore: %s: %w", what, err)
	}
	key, err := page.Key()
	if err != nil {
		return 0, uuid.Nil, false, fmt.Errorf("memstore: %s: %w", what, err)
	}
	if page.After == "" {
		return size, uuid.Nil, false, nil
	}
	id, err := uuid.Parse(key)
	if err != nil {
		return 0, uuid.Nil, false, fmt.Errorf("memstore: %s: %w", what, storage.ErrInvalidCursor)
	}
	for i := len(id) - 1; i >= 0; i-- { // the next UUID
		id[i]++
		if id[i] != 0 {
			return size, id, false, nil
		}
	}
	return size, uuid.Nil, true, nil
}

// idCursor is the cursor after id, or "" when there is no next page.
func idCursor(id uuid.UUID, more bool) string {
	if !more {
		return ""
	}
	return storage.Cursor(id.String())
}

// stringCursor is the cursor after key, or "" when there is no next page.
func stringCursor(key string, more bool) string {
	if !more {
		return ""
	}
	return storage.Cursor(key)
}

// collect walks tr upwards from pivot while in holds and keeps the items
// match accepts (all when match is nil): up to size of them (all when size
// is negative), and whether another one follows.
func collect[T any](tr *btree.BTreeG[T], pivot T, in, match func(T) bool, size int) (out []T, more bool) {
	out = make([]T, 0, min(max(size, 0), 64))
	tr.AscendGreaterOrEqual(pivot, func(it T) bool {
		if in != nil && !in(it) {
			return false
		}
		if match != nil && !match(it) {
			return true
		}
		if len(out) == size {
			more = true
			return false
		}
		out = append(out, it)
		return true
	})
	return out, more
}

// idList is one page of an organization's rows kept by ID in the tree pick
// chooses: those match accepts (all when nil), converted by conv. row makes
// the pivot row of an ID and id reads a row's. An organization that does
// not exist has no rows.
func idList[R, T any](s *Store, ctx context.Context, what string, org uuid.UUID, page storage.Page,
	pick func(*orgData) *btree.BTreeG[R], row func(uuid.UUID) R, id func(R) uuid.UUID,
	match func(R) bool, conv func(R) T) ([]T, string, error) {
	size, from, end, err := idPage(what, page)
	if err != nil || end {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, "", nil
	}
	rows, more := collect(pick(o), row(from), nil, match, size)
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, idCursor(id(rows[len(rows)-1]), more), nil
}
