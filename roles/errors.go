package roles

import "github.com/rosterkit/roster/internal/coded"

// ErrInvalidRole is returned for a role or permission name the catalog does not
// define, or for a catalog specification that is not well formed.
var ErrInvalidRole error = coded.New("invalid_role", "roster: invalid role")

// ErrForbidden is returned when an actor tries to give, change or remove more
// than its own authority allows. The membership and invite packages return the
// same value, so errors.Is works with either name.
var ErrForbidden error = coded.New("forbidden", "roster: forbidden")
