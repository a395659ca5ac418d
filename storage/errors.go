package storage

import "errors"

// ErrNotFound is returned when a record does not exist, or exists in another
// organization than the one named: an operation never acts across tenants.
var ErrNotFound = errors.New("roster: not found")

// ErrConflict is returned when a write would break a uniqueness rule (a
// duplicate slug, member or pending invitation) or lost a race that a retry
// would not win.
var ErrConflict = errors.New("roster: conflict")

// ErrInvalidCursor is returned for a page cursor that this store did not make.
var ErrInvalidCursor = errors.New("roster: invalid page cursor")
