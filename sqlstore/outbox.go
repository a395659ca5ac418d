package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// Enqueue inserts messages into the outbox, in the transaction of ctx if
// any, so that they commit or roll back with the change they report.
func (s *Store) Enqueue(ctx context.Context, msgs ...membership.Message) error {
	const op = "enqueue"
	if len(msgs) == 0 {
		return nil
	}
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		for _, m := range msgs {
			if err := checkTimes(m.CreatedAt, m.NextAttempt); err != nil {
				return err
			}
			_, err := c.ExecContext(ctx, s.q.insertOutbox, m.ID, m.OrgID, m.Channel, m.Topic, m.Payload,
				encTime(m.CreatedAt), m.Attempts, encTime(m.NextAttempt), m.LastError)
			if err != nil {
				return s.translate(ctx, op, err)
			}
		}
		return nil
	})
}

// Claim returns up to limit undelivered messages of channel whose
// NextAttempt is not after now, oldest first, and moves their NextAttempt
// to now+lease and adds one to Attempts, so that other workers skip them
// meanwhile. The returned messages carry the new values. On PostgreSQL and
// MySQL the claimed rows are read FOR UPDATE: a concurrent Claim waits and
// then skips them.
func (s *Store) Claim(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]membership.Message, error) {
	const op = "claim"
	if limit <= 0 || !validText(channel) {
		return nil, nil
	}
	var out []membership.Message
	err := s.Transact(ctx, func(ctx context.Context) error {
		out = out[:0]
		c := s.conn(ctx)
		rows, err := c.QueryContext(ctx, s.q.claimOutbox, channel, encTime(now), limit)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				m         membership.Message
				cat, next string
			)
			if err := rows.Scan(&m.ID, &m.OrgID, &m.Channel, &m.Topic, &m.Payload, &cat, &m.Attempts,
				&next, &m.LastError); err != nil {
				return s.translate(ctx, op, err)
			}
			if m.CreatedAt, err = decTime(cat); err != nil {
				return err
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return s.translate(ctx, op, err)
		}
		rows.Close()
		if len(out) == 0 {
			return nil
		}
		next := now.Add(lease)
		ids := make([]any, 0, len(out)+1)
		ids = append(ids, encTime(next))
		for i := range out {
			out[i].Attempts++
			out[i].NextAttempt = next.UTC()
			ids = append(ids, out[i].ID)
		}
		q := `UPDATE roster_outbox SET next_attempt = ?, attempts = attempts + 1 WHERE id IN (?` +
			strings.Repeat(", ?", len(out)-1) + `)`
		if _, err := c.ExecContext(ctx, s.sql(q), ids...); err != nil {
			return s.translate(ctx, op, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Ack deletes a delivered message. A message already gone is not an error.
func (s *Store) Ack(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.q.ackOutbox, id)
		return s.translate(ctx, "ack", err)
	})
}

// Retry sets a message's NextAttempt and LastError after a failed delivery.
// A message already gone is not an error.
func (s *Store) Retry(ctx context.Context, id uuid.UUID, next time.Time, lastErr string) error {
	if err := checkTimes(next); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.q.retryOutbox, encTime(next), lastErr, id)
		return s.translate(ctx, "retry", err)
	})
}
