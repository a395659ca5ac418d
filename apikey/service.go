package apikey

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// LastUseInterval is how often, at most, a key's LastUsedAt is written:
// a key used on every request costs one write a minute, not one per
// request.
const LastUseInterval = time.Minute

// MaxTTL is the horizon of a key's expiry: at most 100 years (of 365
// days) ahead.
const MaxTTL = 100 * 365 * 24 * time.Hour

// Audit actions (and host event types) of API keys.
const (
	ActionCreated = "apikey.created"
	ActionRevoked = "apikey.revoked"
	// ActionUsed is recorded, as a denied event, when a revoked or
	// expired key is presented, or when Authorize refuses a key.
	ActionUsed = "apikey.used"
)

// Options configure a Service. The zero Options are usable.
type Options struct {
	// Rand is the source of key randomness; nil means crypto/rand.
	Rand io.Reader
	// Logger receives diagnostics (never keys); nil means the membership
	// Service's.
	Logger *slog.Logger
}

// Service creates, lists, revokes and authenticates API keys. It is safe
// for concurrent use.
type Service struct {
	st   Store
	m    *membership.Service
	x    *membership.Extension
	cat  *roles.Catalog
	opts Options
	log  *slog.Logger
	// orgPerms are the catalog's organization-scope permissions, which a
	// key narrowed to a workspace does not hold.
	orgPerms roles.PermSet
	// orgRoles name the catalog's organization roles.
	orgRoles []roles.Role
}

// New returns a Service over the store of m, which must implement Store as
// well (memstore and sqlstore do). It fails with ErrInvalidOptions without
// a membership Service, or when its store keeps no API keys.
func New(m *membership.Service, opts Options) (*Service, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: a membership service is required", ErrInvalidOptions)
	}
	x := membership.Extend(m, membership.ExtensionOptions{})
	st, ok := x.Store().(Store)
	if !ok {
		return nil, fmt.Errorf("%w: the membership service's store (%T) keeps no API keys: it does not implement apikey.Store", ErrInvalidOptions, x.Store())
	}
	s := &Service{st: st, m: m, x: x, cat: m.Roles(), opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = s.x.Logger()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
		if sc, err := s.cat.PermissionScope(p); err == nil && sc == roles.ScopeOrg {
			s.orgPerms |= roles.Grants(p)
		}
	}
	for _, r := range s.cat.OrgRoles() {
		s.orgRoles = append(s.orgRoles, r.Name)
	}
	return s, nil
}

// ready reports why s cannot serve a call, before anything is read or
// written: a Service not made by New (ErrInvalidOptions) or a nil context
// (ErrInvalidInput).
func (s *Service) ready(ctx context.Context) error {
	switch {
	case s == nil || s.st == nil || s.m == nil:
		return fmt.Errorf("%w: make the Service with apikey.New", ErrInvalidOptions)
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrInvalidInput)
	}
	return nil
}

// now is the time of the membership Service's clock, in UTC.
func (s *Service) now() time.Time { return s.m.Clock().Now().UTC() }
