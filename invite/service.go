package invite

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Defaults of Options.
const (
	DefaultTTL               = 7 * 24 * time.Hour
	DefaultBatchLimit        = 10
	DefaultInvitesPerDay     = 1000
	DefaultInvitesPerInviter = 200
	// MaxBatchLimit caps Options.BatchLimit.
	MaxBatchLimit = 500
	// MaxTTL is the horizon of every expiry: Options.TTL and LinkTTL, and
	// a link's ExpiresAt, at most 100 years (of 365 days) ahead. Beyond
	// it, options are ErrInvalidOptions and a link ErrInvalidInput.
	MaxTTL = 100 * 365 * 24 * time.Hour
)

// Limiter throttles invitation requests per request, beside the daily
// quotas counted in the store (golang.org/x/time/rate fits). Invite calls
// Allow once the actor is known to be allowed to invite and before the
// list is parsed or anything is written, so n is an upper bound of the
// addresses rather than their exact number: the @ signs of
// Request.Emails plus the non-blank elements of Request.List (exact for a
// plain list of distinct addresses). An error refuses the request with
// ErrRateLimited.
type Limiter interface {
	Allow(ctx context.Context, org uuid.UUID, actor string, n int) error
}

// Options configure a Service. The zero Options are usable: invitations
// then expire after 7 days, batches hold up to 10 addresses, no email is
// sent and tokens cannot be shown again.
type Options struct {
	// Mailer sends invitation emails. Nil sends none: the host then hands
	// out the tokens Invite returns, or the URLs of InvitationURL.
	Mailer Mailer
	// Key seals tokens so that InvitationURL and LinkURL can show them
	// again; it is a Key of ID DefaultKeyID put before Keys (so it seals).
	// Without a key those calls return ErrNoKey. Either way no usable token
	// waits in the outbox: with a key, delivery unseals the token from the
	// invitation; without one, the queued email holds the token sealed
	// with a random key that lives only in this Service's memory. An email
	// that key cannot open (delivered by another process, or after a
	// restart) gets a fresh token at delivery (audited as
	// "invitation.reissued", expiry unchanged): the mail is not lost, and
	// the token Invite returned stops working.
	Key []byte
	// Keys are the sealing keys, newest first: the first seals, all open.
	// Keep old keys while tokens they sealed are pending.
	Keys []Key
	// TTL is how long an invitation stays valid; 0 means 7 days. TTL and
	// LinkTTL are at most MaxTTL.
	TTL time.Duration
	// LinkTTL is how long a link stays valid when created without an
	// expiry; 0 means TTL, negative means links do not expire by default.
	LinkTTL time.Duration
	// BatchLimit caps the addresses of one invitation request; 0 means 10.
	BatchLimit int
	// BaseURL is where accept links point, e.g.
	// "https://app.example.com/invite/": the token is appended, or it
	// replaces "{token}" when the URL holds that. It must be an absolute
	// https URL (http is accepted for localhost). Empty: mails carry only
	// the token.
	BaseURL string
	// InvitesPerDay and InvitesPerInviterPerDay are the default daily
	// quotas of emails per organization and per inviter (an
	// organization's own settings take precedence); 0 means 1000 and 200,
	// negative means no quota.
	InvitesPerDay           int
	InvitesPerInviterPerDay int
	// Limiter, if set, throttles invitation requests.
	Limiter Limiter
	// AllowUnverifiedEmail lets users whose email is not verified accept
	// invitations and join links. Leave it off unless the host verifies
	// email some other way.
	AllowUnverifiedEmail bool
	// DeferDelivery stops the Service from sending mail right after each
	// commit; the host calls DeliverMail itself (from a worker, say).
	DeferDelivery bool
	// Rand is the source of token and nonce randomness; nil means
	// crypto/rand.
	Rand io.Reader
	// Logger receives diagnostics (never secrets); nil means the
	// membership Service's.
	Logger *slog.Logger
}

// Service manages invitations and invite links. It is safe for concurrent
// use.
type Service struct {
	st   Store
	m    *membership.Service
	x    *membership.Extension
	ms   membership.Store
	cat  *roles.Catalog
	opts Options
	keys *keyring
	// mailKeys seals the tokens of queued emails when the invitation holds
	// no sealed token: a random key, in memory only.
	mailKeys *keyring
	base     string
	log      *slog.Logger
}

// New returns a Service over m and its store, which must implement Store
// as well (memstore's and sqlstore's do), or an error wrapping
// ErrInvalidOptions when the options cannot work: no membership service, a
// store that does not implement Store, a key of the wrong size, a base URL
// that is not absolute https, a TTL or batch limit out of range. On error
// the Service is nil; its methods would return ErrInvalidOptions.
func New(m *membership.Service, opts Options) (*Service, error) {
	s := &Service{m: m, opts: opts}
	if err := s.setup(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) setup() error {
	o := &s.opts
	if s.m == nil {
		return fmt.Errorf("%w: a membership service is required", ErrInvalidOptions)
	}
	s.x = s.extension(s.m)
	s.ms, s.cat, s.log = s.x.Store(), s.m.Roles(), o.Logger
	if s.log == nil {
		s.log = s.x.Logger()
	}
	st, ok := s.ms.(Store)
	if !ok {
		return fmt.Errorf("%w: the membership service's store does not implement invite.Store", ErrInvalidOptions)
	}
	s.st = st
	switch {
	case o.TTL < 0:
		return fmt.Errorf("%w: negative TTL", ErrInvalidOptions)
	case o.TTL > MaxTTL || o.LinkTTL > MaxTTL:
		return fmt.Errorf("%w: TTL and LinkTTL must be at most MaxTTL (100 years)", ErrInvalidOptions)
	case o.BatchLimit < 0 || o.BatchLimit > MaxBatchLimit:
		return fmt.Errorf("%w: batch limit must be 0 to %d", ErrInvalidOptions, MaxBatchLimit)
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.LinkTTL == 0 {
		o.LinkTTL = o.TTL
	}
	if o.BatchLimit == 0 {
		o.BatchLimit = DefaultBatchLimit
	}
	if o.InvitesPerDay == 0 {
		o.InvitesPerDay = DefaultInvitesPerDay
	}
	if o.InvitesPerInviterPerDay == 0 {
		o.InvitesPerInviterPerDay = DefaultInvitesPerInviter
	}
	keys := o.Keys
	if len(o.Key) > 0 {
		keys = append([]Key{{ID: DefaultKeyID, Secret: o.Key}}, keys...)
	}
	kr, err := newKeyring(keys)
	if err != nil {
		return err
	}
	s.keys = kr
	var secret [32]byte
	_, _ = rand.Read(secret[:]) // crypto/rand never fails (it aborts instead)
	if s.mailKeys, err = newKeyring([]Key{{ID: mailKeyID, Secret: secret[:]}}); err != nil {
		return err
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || u.Host == "" || u.User != nil ||
			!(u.Scheme == "https" || u.Scheme == "http" && isLocalhost(u.Hostname())) {
			return fmt.Errorf("%w: base URL must be an absolute https URL", ErrInvalidOptions)
		}
		s.base = o.BaseURL
	}
	return nil
}

func isLocalhost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// url returns the accept URL of tok, or "" without a base URL.
func (s *Service) url(tok string) string {
	switch {
	case s.base == "":
		return ""
	case strings.Contains(s.base, "{token}"):
		return strings.Replace(s.base, "{token}", tok, 1)
	case strings.HasSuffix(s.base, "/") || strings.HasSuffix(s.base, "=") || strings.HasSuffix(s.base, "#"):
		return s.base + tok
	}
	return s.base + "/" + tok
}

// BatchLimit is the most addresses one invitation request takes
// (Options.BatchLimit, or its default), for a dialog to show.
func (s *Service) BatchLimit() int {
	if s == nil {
		return 0
	}
	return s.opts.BatchLimit
}

// ready reports why s cannot serve a call, before anything is read or
// written: a Service not made by New (ErrInvalidOptions), or a nil context (ErrInvalidInput). Every exported
// method that takes a context calls it first.
func (s *Service) ready(ctx context.Context) error {
	switch {
	case s == nil || s.m == nil || s.st == nil:
		return fmt.Errorf("%w: make the Service with invite.New, a store and a membership service", ErrInvalidOptions)
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrInvalidInput)
	}
	return nil
}

// now is the time of the membership Service's clock, in UTC.
func (s *Service) now() time.Time { return s.m.Clock().Now().UTC() }
