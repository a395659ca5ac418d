package smtpmail

import (
	"fmt"
	"net/smtp"
	"slices"
	"strings"
)

// auth is AUTH PLAIN (RFC 4616), or AUTH LOGIN when the server offers
// only that. Like smtp.PlainAuth, it sends credentials only over TLS or to
// a loopback server.
type auth struct {
	user, pass string
	mechs      []string // the mechanisms the server offers, upper-case
	loopback   bool
	step       int // LOGIN: the prompts answered so far
}

var _ smtp.Auth = (*auth)(nil)

func (a *auth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.loopback {
		return "", nil, fmt.Errorf("%w: refusing to send credentials over an unencrypted connection", ErrAuth)
	}
	switch {
	case slices.Contains(a.mechs, "PLAIN"):
		return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
	case slices.Contains(a.mechs, "LOGIN"):
		return "LOGIN", nil, nil
	}
	return "", nil, fmt.Errorf("%w: the server offers neither PLAIN nor LOGIN", ErrAuth)
}

// Next answers LOGIN's prompts: the user name, then the password.
func (a *auth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	prompt := strings.ToLower(string(fromServer))
	a.step++
	switch {
	case strings.Contains(prompt, "user") || (a.step == 1 && !strings.Contains(prompt, "pass")):
		return []byte(a.user), nil
	case strings.Contains(prompt, "pass") || a.step == 2:
		return []byte(a.pass), nil
	}
	return nil, fmt.Errorf("%w: unexpected server challenge", ErrAuth)
}
