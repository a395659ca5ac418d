package invite

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rosterkit/roster/internal/ident"
)

// EntryError is one refused entry of a batch.
type EntryError struct {
	// Index is the entry's position among the entries of the request,
	// counting from 0.
	Index int
	// Entry is the entry as typed (clipped to 100 bytes).
	Entry string
	// Err says why; it wraps ErrInvalidEmail.
	Err error
}

func (e EntryError) Error() string { return fmt.Sprintf("%q: %v", e.Entry, e.Err) }

// Unwrap returns Err.
func (e EntryError) Unwrap() error { return e.Err }

// BatchError is returned when some entries of a batch are not valid
// addresses: it names each, and nothing was saved or sent. It matches
// ErrInvalidEmail with errors.Is.
type BatchError struct {
	Entries []EntryError
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d invalid email address", len(e.Entries))
	if len(e.Entries) != 1 {
		b.WriteString("es")
	}
	for i, en := range e.Entries {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%q (%s)", en.Entry, reason(en.Err))
	}
	return b.String()
}

// Unwrap returns the error of each entry.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Entries))
	for i, en := range e.Entries {
		out[i] = en.Err
	}
	return out
}

// reason strips the sentinel's text from an entry error.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), ErrInvalidEmail.Error()+": ")
}

// ParseBatch parses the addresses of one invitation request: list is
// split with SplitEmails, each element of more is one entry. Entries are
// de-duplicated on their canonical key (the first spelling wins). It
// returns ErrEmptyBatch when there is no entry, ErrBatchTooLarge when there
// are more than limit distinct addresses, and a *BatchError naming every
// invalid entry otherwise. limit <= 0 means DefaultBatchLimit.
func ParseBatch(list string, more []string, limit int) ([]Address, error) {
	if limit <= 0 {
		limit = DefaultBatchLimit
	}
	// Bound the work before looking at the entries: duplicates are
	// allowed, but not without end.
	maxEntries := 4*limit + 16
	if len(list) > maxEntries*maxEntryLen || len(more) > maxEntries {
		return nil, fmt.Errorf("%w: at most %d addresses", ErrBatchTooLarge, limit)
	}
	entries := ident.Split(list, maxEntries+1)
	for _, e := range more {
		if strings.TrimSpace(e) != "" {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return nil, ErrEmptyBatch
	}
	if len(entries) > maxEntries {
		return nil, fmt.Errorf("%w: at most %d addresses", ErrBatchTooLarge, limit)
	}
	var (
		out  []Address
		bad  []EntryError
		seen = make(map[string]bool, len(entries))
	)
	for i, e := range entries {
		a, err := ParseEmail(e)
		if err != nil {
			bad = append(bad, EntryError{Index: i, Entry: clipEntry(e), Err: err})
			continue
		}
		if seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		out = append(out, a)
	}
	if n := len(out) + len(bad); n > limit {
		return nil, fmt.Errorf("%w: %d addresses, at most %d", ErrBatchTooLarge, n, limit)
	}
	if len(bad) > 0 {
		return nil, &BatchError{Entries: bad}
	}
	return out, nil
}

// clipEntry keeps an entry short and valid UTF-8 for an error message;
// %q then escapes control characters.
func clipEntry(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > 100 {
		cut := 100
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
