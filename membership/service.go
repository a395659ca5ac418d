package membership

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/rosterkit/roster/roles"
)

// Clock tells the time. Every timestamp the library writes comes from it, so
// tests can move time (e.g. past an invitation's expiry).
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Options configure a Service. The zero Options are usable.
type Options struct {
	// Roles is the role catalog; nil means roles.Default(). New refuses a
	// catalog not made by roles.NewCatalog (a zero roles.Catalog{}, which
	// defines nothing) with ErrInvalidRole.
	Roles *roles.Catalog
	// Clock tells the time; nil means the system clock.
	Clock Clock
	// Logger receives diagnostics (never secrets); nil discards them.
	Logger *slog.Logger
	// Dispatcher receives host events after commit. With none, events
	// wait in the outbox for a DeliverEvents of a Service that has one,
	// but Run drops them as they come due: no consumer, nothing kept
	// forever (the audit trail keeps the record of every change).
	Dispatcher Dispatcher
	// DeferDelivery stops the Service from delivering outbox messages right
	// after each commit, within the request; Run (or the host calling
	// DeliverEvents) delivers them instead. Set it when Run runs.
	DeferDelivery bool
	// MaxAttempts is how many failed deliveries make an outbox message a
	// dead letter (see DeadLetters); 0 means DefaultMaxAttempts, negative
	// is refused.
	MaxAttempts int
	// PollInterval is how often Run looks for due messages when nothing
	// wakes it; 0 means a second, negative is refused. A commit of this Service wakes it at
	// once; messages of other processes wait for the next poll.
	PollInterval time.Duration
	// Hooks trace mutations.
	Hooks Hooks
}

// Service manages organizations, workspaces and members over a Store and
// answers permission checks. It is safe for concurrent use.
type Service struct {
	st      Store
	cat     *roles.Catalog
	clock   Clock
	log     *slog.Logger
	disp    Dispatcher
	deferDl bool
	hooks   Hooks
	// perms answers Can and CanOrg when the Store keeps permissions for
	// cat (PermissionIndex); nil otherwise. defined holds every permission
	// cat defines, which checks validate against.
	perms   PermissionIndex
	defined roles.PermSet

	maxAttempts int
	poll        time.Duration
	wake        chan struct{} // a commit's signal to Run
}

// New returns a Service over st, or an error when the options cannot work:
// no store or a negative MaxAttempts or PollInterval (ErrInvalidOptions), a
// catalog not made by roles.NewCatalog (ErrInvalidRole). On error the
// Service is nil; its methods would return ErrInvalidOptions.
//
// When st implements PermissionIndex, New asks it to index permissions
// under the Service's catalog, so New must not be called inside a
// transaction of st.
func New(st Store, opts Options) (*Service, error) {
	switch {
	case st == nil:
		return nil, fmt.Errorf("%w: a store is required", ErrInvalidOptions)
	case opts.MaxAttempts < 0:
		return nil, fmt.Errorf("%w: MaxAttempts must not be negative", ErrInvalidOptions)
	case opts.PollInterval < 0:
		return nil, fmt.Errorf("%w: PollInterval must not be negative", ErrInvalidOptions)
	}
	s := &Service{st: st, cat: opts.Roles, clock: opts.Clock, log: opts.Logger,
		disp: opts.Dispatcher, deferDl: opts.DeferDelivery, hooks: opts.Hooks,
		maxAttempts: opts.MaxAttempts, poll: opts.PollInterval, wake: make(chan struct{}, 1)}
	if s.maxAttempts == 0 {
		s.maxAttempts = DefaultMaxAttempts
	}
	if s.poll == 0 {
		s.poll = time.Second
	}
	if s.cat == nil {
		s.cat = roles.Default()
	}
	if err := s.cat.Err(); err != nil {
		return nil, fmt.Errorf("membership: new service: %w", err)
	}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
		if _, err := s.cat.PermissionScope(p); err == nil {
			s.defined |= roles.Grants(p)
		}
	}
	if pi, ok := st.(PermissionIndex); ok && pi.IndexPermissions(s.cat) {
		s.perms = pi
	}
	return s, nil
}

// Roles returns the Service's catalog.
func (s *Service) Roles() *roles.Catalog { return s.cat }

// Clock returns the Service's clock.
func (s *Service) Clock() Clock { return s.clock }
