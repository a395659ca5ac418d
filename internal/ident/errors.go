package ident

import "errors"

// ErrInvalidInput: a value that breaks Roster's input policy. membership
// and invite export it as their ErrInvalidInput.
var ErrInvalidInput = errors.New("roster: invalid input")

// ErrInvalidEmail: an address that is not a plain, deliverable email
// address. It is a kind of invalid input: errors.Is(ErrInvalidEmail,
// ErrInvalidInput) is true.
var ErrInvalidEmail error = &kindError{msg: "roster: invalid email address", kind: ErrInvalidInput}

// kindError is a sentinel that is also a case of a broader one.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }

// Unwrap returns the broader sentinel.
func (e *kindError) Unwrap() error { return e.kind }
