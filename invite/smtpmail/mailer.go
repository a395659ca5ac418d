package smtpmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/rosterkit/roster/invite"
)

// Security says how a Mailer protects its connection.
type Security int

// The ways to connect.
const (
	// StartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is said (submission, port 587). A server that does not
	// offer STARTTLS gets no mail: Send fails with ErrNoStartTLS.
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (SMTPS, port 465).
	ImplicitTLS
	// Plaintext never encrypts. New accepts it only for a loopback server
	// (localhost, 127.0.0.1, ::1): a relay on the same host, or a test.
	Plaintext
)

// DefaultTimeout bounds one Send when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options configure a Mailer.
type Options struct {
	// Addr is the server, as host:port: "smtp.example.com:587".
	Addr string
	// From is the sender, as "Name <address>" or a bare address. The
	// Message-ID of each email is in its domain.
	From string
	// Username and Password authenticate with AUTH PLAIN, or LOGIN when
	// the server offers only that, and only over TLS (or to a loopback
	// server). An empty Username sends without AUTH.
	Username string
	Password string
	// Security is StartTLS (the zero value), ImplicitTLS or Plaintext.
	Security Security
	// TLS configures the TLS connection; nil means the system's roots.
	// An empty ServerName is the host of Addr.
	TLS *tls.Config
	// Timeout bounds one Send, from dialing to QUIT, besides the
	// context's own deadline; 0 means DefaultTimeout.
	Timeout time.Duration
	// LocalName is the name the Mailer gives in EHLO; empty means
	// "localhost".
	LocalName string
	// Render renders each email; nil means the default English templates
	// (invite.DefaultTemplates). A host sets it to send its own or
	// translated templates, picking them by the Mail: by the recipient's
	// language as the host knows it, say.
	Render func(ctx context.Context, m invite.Mail) (invite.Email, error)
}

// Mailer sends invitation emails over SMTP. It implements invite.Mailer
// and is safe for concurrent use: each Send opens its own connection.
type Mailer struct {
	opts   Options
	host   string
	from   *mail.Address
	domain string // of From, for Message-IDs
	tls    *tls.Config
}

var _ invite.Mailer = (*Mailer)(nil)

// New returns a Mailer, or an error wrapping invite.ErrInvalidOptions when
// Addr is not host:port, From is not an address, Security is unknown, or
// Plaintext is asked for a server that is not on a loopback address.
func New(opts Options) (*Mailer, error) {
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("%w: smtpmail: Addr %q is not host:port", invite.ErrInvalidOptions, opts.Addr)
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("%w: smtpmail: From %q is not an email address", invite.ErrInvalidOptions, opts.From)
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 1 || at == len(from.Address)-1 {
		return nil, fmt.Errorf("%w: smtpmail: From %q has no domain", invite.ErrInvalidOptions, opts.From)
	}
	switch opts.Security {
	case StartTLS, ImplicitTLS:
	case Plaintext:
		if !loopback(host) {
			return nil, fmt.Errorf("%w: smtpmail: plaintext SMTP is allowed only to a loopback server, not %q", invite.ErrInvalidOptions, host)
		}
	default:
		return nil, fmt.Errorf("%w: smtpmail: unknown Security %d", invite.ErrInvalidOptions, opts.Security)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("%w: smtpmail: negative Timeout", invite.ErrInvalidOptions)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.LocalName == "" {
		opts.LocalName = "localhost"
	}
	if strings.ContainsAny(opts.LocalName, " \r\n") {
		return nil, fmt.Errorf("%w: smtpmail: LocalName %q", invite.ErrInvalidOptions, opts.LocalName)
	}
	cfg := &tls.Config{}
	if opts.TLS != nil {
		cfg = opts.TLS.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return &Mailer{opts: opts, host: host, from: from, domain: from.Address[at+1:], tls: cfg}, nil
}

// Send renders m and sends it to m's address (its ASCII form), as a
// multipart/alternative message with a plain-text and an HTML part. Its
// Message-ID is made of m.ID, so that every attempt of one email carries
// the same. An error (no connection, no STARTTLS, refused credentials, a
// refused sender, recipient or message, a timeout) makes the invite
// Service retry the email later; no error carries the token or the URL.
func (c *Mailer) Send(ctx context.Context, m invite.Mail) error {
	var e invite.Email
	var err error
	if c.opts.Render != nil {
		e, err = c.opts.Render(ctx, m)
	} else {
		e, err = invite.DefaultTemplates().Render(m)
	}
	if err != nil {
		return fmt.Errorf("smtpmail: render: %w", err)
	}
	to, err := recipient(m)
	if err != nil {
		return err
	}
	msg, err := compose(c.from, to, c.domain, m.ID, time.Now(), e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	if err := c.deliver(ctx, to.Address, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
		return err
	}
	return nil
}

// deliver speaks SMTP with the server, from dialing to QUIT.
func (c *Mailer) deliver(ctx context.Context, to string, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.opts.Addr)
	if err != nil {
		return fmt.Errorf("smtpmail: dial: %w", err)
	}
	defer conn.Close()
	// The context's end (its deadline included) interrupts any read or
	// write in progress; ctx.Err is set by then, so Send reports why.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if c.opts.Security == ImplicitTLS {
		tc := tls.Client(conn, c.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtpmail: TLS: %w", err)
		}
		conn = tc
	}
	sc, err := smtp.NewClient(conn, c.host)
	if err != nil {
		return fmt.Errorf("smtpmail: greeting: %w", err)
	}
	defer sc.Close()
	if err := sc.Hello(c.opts.LocalName); err != nil {
		return fmt.Errorf("smtpmail: EHLO: %w", err)
	}
	if c.opts.Security == StartTLS {
		if ok, _ := sc.Extension("STARTTLS"); !ok {
			return ErrNoStartTLS
		}
		if err := sc.StartTLS(c.tls); err != nil {
			return fmt.Errorf("smtpmail: STARTTLS: %w", err)
		}
	}
	if c.opts.Username != "" {
		ok, mechs := sc.Extension("AUTH")
		if !ok {
			return fmt.Errorf("%w: the server offers no AUTH", ErrAuth)
		}
		a := &auth{user: c.opts.Username, pass: c.opts.Password, mechs: strings.Fields(strings.ToUpper(mechs)), loopback: loopback(c.host)}
		if err := sc.Auth(a); err != nil {
			if errors.Is(err, ErrAuth) {
				return err
			}
			return fmt.Errorf("%w: %w", ErrAuth, err)
		}
	}
	if err := sc.Mail(c.from.Address); err != nil {
		return fmt.Errorf("smtpmail: MAIL FROM: %w", err)
	}
	if err := sc.Rcpt(to); err != nil {
		return fmt.Errorf("smtpmail: RCPT TO: %w", err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("smtpmail: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtpmail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtpmail: message refused: %w", err)
	}
	// The message is accepted: a failing QUIT does not make it sent twice.
	_ = sc.Quit()
	return nil
}

// recipient is the address m goes to, with its display name cleaned.
func recipient(m invite.Mail) (*mail.Address, error) {
	addr := m.ToASCII
	if addr == "" {
		addr = m.To
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return nil, fmt.Errorf("smtpmail: %w: the recipient", invite.ErrInvalidEmail)
	}
	a.Name = oneLine(m.ToName)
	return a, nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
