package ident

import "github.com/rosterkit/roster/internal/coded"

// ErrInvalidInput: a value that breaks Roster's input policy. membership
// and invite export it as their ErrInvalidInput.
var ErrInvalidInput error = coded.New("invalid_input", "roster: invalid input")

// ErrInvalidEmail: an address that is not a plain, deliverable email
// address. It is a kind of invalid input: errors.Is(ErrInvalidEmail,
// ErrInvalidInput) is true.
var ErrInvalidEmail error = coded.Kind("invalid_email", "roster: invalid email address", ErrInvalidInput)
