package roles

import "errors"

// ErrInvalidRole is returned for a role or permission name the catalog does not
// define, or for a catalog specification that is not well formed.
var ErrInvalidRole = errors.New("roster: invalid role")

// ErrForbidden is returned when an actor tries to give, change or remove more
// than its own authority allows. The membership and invite packages return the
// same value, so errors.Is works with either name.
var ErrForbidden = errors.New("roster: forbidden")
