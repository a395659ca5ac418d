package membership

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// Channel is an outbox channel Run delivers beside host events: its name
// and the function that delivers one message (nil error: delivered).
type Channel struct {
	Name    string
	Deliver func(ctx context.Context, m Message) error
}

// Run delivers the outbox in the background until ctx ends, then returns
// nil: host events to the Dispatcher (dropped when there is none), and the
// extra channels given (the invite package adds its mail this way; hosts
// call invite.Service.Run instead). It delivers what is due whenever a
// commit of this Service wakes it and at least every
// Options.PollInterval; failures are retried with backoff and jitter, and
// become dead letters after Options.MaxAttempts (see Relay). Run as many
// workers as you like, in as many processes: a message is delivered at
// least once, and more than once only when a delivery outlasts its
// one-minute lease or a worker stops between delivering and deleting it.
// A delivery in progress when ctx ends sees its context cancelled; its
// message is retried after the lease, by this worker or another.
func (s *Service) Run(ctx context.Context, extra ...Channel) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	channels := append([]Channel{{Name: ChannelEvents, Deliver: s.dispatch}}, extra...)
	seen := make(map[string]bool, len(channels))
	for _, c := range channels {
		if c.Name == "" || c.Deliver == nil || seen[c.Name] {
			return fmt.Errorf("run: %w: channel %q: a name used once and a Deliver function", ErrInvalidInput, clip(c.Name))
		}
		seen[c.Name] = true
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-s.wake:
		}
		for _, c := range channels {
			if _, err := s.Relay(ctx, c.Name, c.Deliver); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "roster: delivering the outbox", "channel", c.Name, "err", err)
			}
		}
		timer.Reset(s.poll)
	}
}

// Wake tells a running Run of this Service that messages are due, as
// every commit of the Service does. It never blocks.
func (s *Service) Wake() {
	if s == nil || s.wake == nil {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// DeadLetters lists the dead letters of an outbox channel (ChannelEvents,
// ChannelMail…): messages that failed Options.MaxAttempts deliveries, with
// their LastError, ordered by ID. It is for the host's operators, not for
// an organization's members: it checks no actor. The payload of a mail
// holds no usable token.
func (s *Service) DeadLetters(ctx context.Context, channel string, page storage.Page) ([]Message, string, error) {
	if err := s.ready(ctx); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	return s.st.DeadLetters(ctx, channel, page)
}

// RetryDeadLetter makes the dead letter id due now, with a fresh series of
// Options.MaxAttempts attempts, and wakes Run. It returns ErrNotFound when
// no dead letter has that ID (a message still being retried included).
func (s *Service) RetryDeadLetter(ctx context.Context, id uuid.UUID) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if err := checkID("message ID", id); err != nil {
		return err
	}
	if err := s.st.Revive(ctx, id, s.clock.Now().UTC()); err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	s.Wake()
	return nil
}
