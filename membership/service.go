package membership

import (
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

// Hooks lets a host trace the Service without the core importing a tracing
// library. Every field is optional.
type Hooks struct {
	// Mutation is called after each mutation, creating an organization
	// included, with its action and outcome (nil on success).
	Mutation func(action string, err error)
}

// Options configure a Service. The zero Options are usable.
type Options struct {
	// Roles is the role catalog; nil means roles.Default(). A catalog not
	// made by roles.NewCatalog (a zero roles.Catalog{}) defines nothing:
	// every mutation, check and member or workspace read of the Service
	// then fails with ErrInvalidRole (see roles.Catalog.Err).
	Roles *roles.Catalog
	// Clock tells the time; nil means the system clock.
	Clock Clock
	// Logger receives diagnostics (never secrets); nil discards them.
	Logger *slog.Logger
	// Dispatcher receives host events after commit; nil leaves them in the
	// outbox for a later DeliverEvents with a dispatcher.
	Dispatcher Dispatcher
	// DeferDelivery stops the Service from delivering outbox messages right
	// after each commit; the host calls DeliverEvents (or runs Relay) itself.
	DeferDelivery bool
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
	catErr  error // the catalog's Err: an unusable catalog fails every call
	// perms answers Can and CanOrg when the Store keeps permissions for
	// cat (PermissionIndex); nil otherwise. defined holds every permission
	// cat defines, which checks validate against.
	perms   PermissionIndex
	defined roles.PermSet
}

// New returns a Service over st. When st implements PermissionIndex, New
// asks it to index permissions under the Service's catalog, so it must not
// be called inside a transaction of st.
func New(st Store, opts Options) *Service {
	s := &Service{st: st, cat: opts.Roles, clock: opts.Clock, log: opts.Logger,
		disp: opts.Dispatcher, deferDl: opts.DeferDelivery, hooks: opts.Hooks}
	if s.cat == nil {
		s.cat = roles.Default()
	}
	s.catErr = s.cat.Err()
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.catErr == nil {
		for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
			if _, err := s.cat.PermissionScope(p); err == nil {
				s.defined |= roles.Grants(p)
			}
		}
		if pi, ok := st.(PermissionIndex); ok && pi.IndexPermissions(s.cat) {
			s.perms = pi
		}
	}
	return s
}

// Roles returns the Service's catalog.
func (s *Service) Roles() *roles.Catalog { return s.cat }

// Clock returns the Service's clock.
func (s *Service) Clock() Clock { return s.clock }

// Store returns the Service's store.
func (s *Service) Store() Store { return s.st }

// Logger returns the Service's logger.
func (s *Service) Logger() *slog.Logger { return s.log }
