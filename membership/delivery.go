package membership

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Outbox delivery tuning.
const (
	claimBatch   = 100
	claimLease   = time.Minute
	maxBackoff   = time.Hour
	firstBackoff = time.Second
	// DefaultMaxAttempts is Options.MaxAttempts when zero: with backoff
	// capped at an hour, about 13 hours of retries.
	DefaultMaxAttempts = 25
)

// afterCommit wakes a running worker (see Run) and delivers pending host
// events right after a commit, unless the host defers delivery or the
// mutation ran inside a transaction of the caller's, whose messages are
// not committed yet (the next delivery after that commit sends them).
// Failures stay in the outbox for a later try.
func (s *Service) afterCommit(ctx context.Context) {
	if s.st.InTransaction(ctx) {
		return // an outer transaction has not committed yet
	}
	s.Wake()
	if s.deferDl || s.disp == nil {
		return // an outer transaction has not committed yet
	}
	if _, err := s.DeliverEvents(ctx); err != nil {
		s.log.WarnContext(ctx, "roster: delivering events", "err", err)
	}
}

// DeliverEvents hands pending host events to the Dispatcher and returns how
// many were delivered. An event whose dispatch fails is retried by a later
// call, with exponential backoff. Without a Dispatcher it does nothing.
func (s *Service) DeliverEvents(ctx context.Context) (int, error) {
	if err := s.ready(ctx); err != nil || s.disp == nil {
		return 0, err
	}
	return s.Relay(ctx, ChannelEvents, s.dispatch)
}

// dispatch hands the host event in m to the Dispatcher; without one, the
// event has no consumer and is dropped (the audit trail keeps the record).
func (s *Service) dispatch(ctx context.Context, m Message) error {
	if s.disp == nil {
		return nil
	}
	var e Event
	if err := json.Unmarshal(m.Payload, &e); err != nil {
		return fmt.Errorf("decoding event %s: %w", m.ID, err)
	}
	return s.disp.Dispatch(ctx, e)
}

// Relay delivers the due messages of one outbox channel with handler: a
// message is deleted when handler returns nil and retried later otherwise,
// with exponential backoff and jitter (about 1s, 2s, 4s… up to an hour);
// after Options.MaxAttempts failed deliveries it becomes a dead letter
// (see DeadLetters). Concurrent relays, in this process or others, skip
// each other's messages for a lease of one minute: a message is delivered
// at least once, and twice only when a delivery outlasts its lease or its
// relay stops between delivering and deleting it. It returns the number
// of messages delivered.
func (s *Service) Relay(ctx context.Context, channel string, handler func(ctx context.Context, m Message) error) (int, error) {
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	if handler == nil {
		return 0, fmt.Errorf("%w: nil handler", ErrInvalidInput)
	}
	delivered := 0
	for {
		now := s.clock.Now().UTC()
		msgs, err := s.st.Claim(ctx, channel, now, claimLease, claimBatch)
		if err != nil {
			return delivered, err
		}
		for i, m := range msgs {
			if ctx.Err() != nil || s.clock.Now().Sub(now) > claimLease/2 {
				// Stopping, or the lease is running out: the rest of the
				// batch is left to the next claim, delivered by nobody
				// meanwhile.
				msgs = msgs[:i]
				break
			}
			herr := handler(ctx, m)
			// The outcome is recorded even when ctx ended meanwhile, so
			// that a worker stopped mid-delivery neither loses nor repeats
			// what it delivered.
			octx := context.WithoutCancel(ctx)
			if herr != nil {
				if ctx.Err() != nil {
					break // the delivery was cut short: retried after the lease
				}
				next := s.clock.Now().UTC().Add(jitter(backoff(m.Attempts)))
				if m.Attempts >= s.maxAttempts {
					next = DeadLetterTime()
					s.log.WarnContext(ctx, "roster: outbox message is a dead letter", "channel", channel, "message", m.ID, "attempts", m.Attempts, "err", herr)
				}
				if err := s.st.Retry(octx, m.ID, next, clip(herr.Error())); err != nil {
					return delivered, err
				}
				continue
			}
			if err := s.st.Ack(octx, m.ID); err != nil {
				return delivered, err
			}
			delivered++
		}
		if len(msgs) < claimBatch || ctx.Err() != nil {
			return delivered, ctx.Err()
		}
	}
}

// jitter spreads d over [d/2, d], so that messages that failed together
// are not retried together.
func jitter(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// backoff returns the wait after the given number of attempts.
func backoff(attempts int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
