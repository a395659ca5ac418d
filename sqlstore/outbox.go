package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
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
			m, err := s.scanMessage(ctx, op, rows)
			if err != nil {
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

// DeadLetters lists the dead letters of channel (messages whose
// NextAttempt is membership.DeadLetterTime()), ordered by ID.
func (s *Store) DeadLetters(ctx context.Context, channel string, page storage.Page) ([]membership.Message, string, error) {
	const op = "list dead letters"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(channel) {
		return nil, "", nil
	}
	q := s.sql(`SELECT id, org_id, channel, topic, payload, created_at, attempts, next_attempt, last_error
FROM roster_outbox WHERE channel = ? AND next_attempt = ? AND id > ? ORDER BY id LIMIT ?`)
	args := []any{channel, encTime(membership.DeadLetterTime()), after, n + 1}
	out, err := reread(ctx, s, func(c querier) ([]membership.Message, error) {
		return list(ctx, s, c, op, q, args, func(r scanner) (membership.Message, error) { return s.scanMessage(ctx, op, r) })
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(m membership.Message) string { return m.ID.String() })
	return out, next, nil
}

// Revive makes the dead letter id due at next with no attempt counted. It
// returns ErrNotFound when no dead letter has that ID.
func (s *Store) Revive(ctx context.Context, id uuid.UUID, next time.Time) error {
	if err := checkTimes(next); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.sql(`UPDATE roster_outbox SET next_attempt = ?, attempts = 0 WHERE id = ? AND next_attempt = ?`),
			encTime(next), id, encTime(membership.DeadLetterTime()))
		if err != nil {
			return s.translate(ctx, "revive", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.translate(ctx, "revive", err)
		} else if n == 0 {
			return fmt.Errorf("sqlstore: dead letter %s: %w", id, storage.ErrNotFound)
		}
		return nil
	})
}

// scanMessage reads an outbox row of the columns id, org_id, channel,
// topic, payload, created_at, attempts, next_attempt, last_error.
func (s *Store) scanMessage(ctx context.Context, op string, r scanner) (membership.Message, error) {
	var (
		m         membership.Message
		cat, next string
	)
	if err := r.Scan(&m.ID, &m.OrgID, &m.Channel, &m.Topic, &m.Payload, &cat, &m.Attempts, &next, &m.LastError); err != nil {
		return m, s.translate(ctx, op, err)
	}
	return m, decTimes([]string{cat, next}, &m.CreatedAt, &m.NextAttempt)
}
