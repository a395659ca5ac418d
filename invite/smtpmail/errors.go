package smtpmail

import "errors"

// Errors of Send, besides those of the network, of TLS and of the server's
// replies (*textproto.Error). Each is wrapped with context; test with
// errors.Is. No message carries a password, a token or an accept URL.
var (
	// ErrNoStartTLS: Security is StartTLS and the server does not offer
	// STARTTLS. The email is not sent in plain text.
	ErrNoStartTLS = errors.New("smtpmail: the server does not offer STARTTLS")
	// ErrAuth: authentication failed: the server offers no AUTH, or
	// neither PLAIN nor LOGIN, the connection is not encrypted, or the
	// server refused the credentials.
	ErrAuth = errors.New("smtpmail: authentication failed")
)
