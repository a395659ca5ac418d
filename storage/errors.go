package storage

import "github.com/rosterkit/roster/internal/coded"

// ErrNotFound is returned when a record does not exist, or exists in another
// organization than the one named: an operation never acts across tenants.
var ErrNotFound error = coded.New("not_found", "roster: not found")

// ErrConflict is returned when a write would break a uniqueness rule (a
// duplicate slug, member or pending invitation) or lost a race that a retry
// would not win.
var ErrConflict error = coded.New("conflict", "roster: conflict")

// ErrInvalidCursor is returned for a page cursor that this store did not make.
var ErrInvalidCursor error = coded.New("invalid_cursor", "roster: invalid page cursor")
