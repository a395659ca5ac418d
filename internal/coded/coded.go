// Package coded gives Roster's sentinel errors their stable codes: each
// sentinel is an *Error with a code, and membership.CodeOf reads the code
// of any error that wraps one. It imports nothing of Roster, so that every
// package may use it.
package coded

// Error is a sentinel error with a stable code.
type Error struct {
	code, msg string
	kind      error
}

// New returns a sentinel with code and message msg.
func New(code, msg string) *Error { return &Error{code: code, msg: msg} }

// Kind returns a sentinel with code and message msg that is also a case of
// the broader sentinel kind: errors.Is(err, kind) holds.
func Kind(code, msg string, kind error) *Error { return &Error{code: code, msg: msg, kind: kind} }

// Error returns the message.
func (e *Error) Error() string { return e.msg }

// Code returns the stable code.
func (e *Error) Code() string { return e.code }

// Unwrap returns the broader sentinel, if any.
func (e *Error) Unwrap() error { return e.kind }
