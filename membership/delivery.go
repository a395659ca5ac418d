package membership

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Outbox delivery tuning.
const (
	claimBatch   = 100
	claimLease   = time.Minute
	maxBackoff   = time.Hour
	firstBackoff = time.Second
)

// afterCommit delivers pending host events right after a commit, unless the
// host defers delivery or the mutation ran inside a transaction of the
// caller's, whose messages are not committed yet (the next delivery after
// that commit sends them). Failures stay in the outbox for a later try.
func (s *Service) afterCommit(ctx context.Context) {
	if s.deferDl || s.disp == nil || s.st.InTransaction(ctx) {
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
	return s.Relay(ctx, ChannelEvents, func(ctx context.Context, m Message) error {
		var e Event
		if err := json.Unmarshal(m.Payload, &e); err != nil {
			return fmt.Errorf("decoding event %s: %w", m.ID, err)
		}
		return s.disp.Dispatch(ctx, e)
	})
}

// Relay delivers the due messages of one outbox channel with handler: a
// message is deleted when handler returns nil and retried later with
// exponential backoff (1s, 2s, 4s… up to an hour) otherwise. Concurrent
// relays skip each other's messages for a lease of one minute. It returns
// the number of messages delivered.
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
		for _, m := range msgs {
			if herr := handler(ctx, m); herr != nil {
				next := s.clock.Now().UTC().Add(backoff(m.Attempts))
				if err := s.st.Retry(ctx, m.ID, next, clip(herr.Error())); err != nil {
					return delivered, err
				}
				continue
			}
			if err := s.st.Ack(ctx, m.ID); err != nil {
				return delivered, err
			}
			delivered++
		}
		if len(msgs) < claimBatch || ctx.Err() != nil {
			return delivered, ctx.Err()
		}
	}
}

// backoff returns the wait after the given number of attempts.
func backoff(attempts int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
