package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// The outbox is kept twice: by ID for Ack and Retry, and by channel and age
// for Claim. It belongs to no organization, so that the event of an
// organization's deletion outlives it.

// Enqueue inserts messages into the outbox. It returns ErrConflict when an
// ID is taken, and then inserts none of them.
func (s *Store) Enqueue(ctx context.Context, msgs ...membership.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	return s.write(ctx, func(t *tx) error {
		seen := make(map[uuid.UUID]bool, len(msgs))
		for _, m := range msgs {
			if seen[m.ID] || t.st.msgs.Has(msgRow{id: m.ID}) {
				return fmt.Errorf("memstore: outbox message %s: %w", m.ID, storage.ErrConflict)
			}
			seen[m.ID] = true
		}
		for _, m := range msgs {
			t.putMessage(cloneMessage(m))
		}
		return nil
	})
}

// Claim returns up to limit undelivered messages of channel whose
// NextAttempt is not after now, oldest first (by CreatedAt, then ID), and
// moves their NextAttempt to now+lease and adds one to Attempts, so that
// other workers skip them meanwhile. The returned messages carry the new
// values. Messages of the channel still leased are skipped one by one.
func (s *Store) Claim(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]membership.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []membership.Message
	err := s.write(ctx, func(t *tx) error {
		rows, _ := collect(t.st.queue, msgRow{m: &membership.Message{Channel: channel}},
			func(r msgRow) bool { return r.m.Channel == channel },
			func(r msgRow) bool { return !r.m.NextAttempt.After(now) }, limit)
		out = make([]membership.Message, len(rows))
		for i, r := range rows {
			m := *r.m
			m.NextAttempt = now.Add(lease)
			m.Attempts++
			t.putMessage(m)
			out[i] = cloneMessage(m)
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
	return s.write(ctx, func(t *tx) error {
		r, ok := t.st.msgs.Get(msgRow{id: id})
		if !ok {
			return nil
		}
		del(t, t.st.msgs, r)
		del(t, t.st.queue, r)
		return nil
	})
}

// Retry sets a message's NextAttempt and LastError after a failed delivery.
// A message already gone is not an error.
func (s *Store) Retry(ctx context.Context, id uuid.UUID, next time.Time, lastErr string) error {
	return s.write(ctx, func(t *tx) error {
		r, ok := t.st.msgs.Get(msgRow{id: id})
		if !ok {
			return nil
		}
		m := *r.m
		m.NextAttempt = next
		m.LastError = lastErr
		t.putMessage(m)
		return nil
	})
}

// putMessage inserts m, or replaces the message with its ID; its channel
// and CreatedAt, which place it in the queue, never change.
func (t *tx) putMessage(m membership.Message) {
	r := msgRow{id: m.ID, m: &m}
	put(t, t.st.msgs, r)
	put(t, t.st.queue, r)
}

// cloneMessage returns a copy of m that shares no memory with it.
func cloneMessage(m membership.Message) membership.Message {
	m.Payload = slices.Clone(m.Payload)
	return m
}

// DeadLetters lists the dead letters of channel, ordered by ID. It walks
// the outbox by ID: dead letters are few and listed by operators.
func (s *Store) DeadLetters(ctx context.Context, channel string, page storage.Page) ([]membership.Message, string, error) {
	size, from, end, err := idPage("dead letters", page)
	if err != nil || end {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	rows, more := collect(st.msgs, msgRow{id: from}, nil,
		func(r msgRow) bool { return r.m.Channel == channel && r.m.Dead() }, size)
	out := make([]membership.Message, len(rows))
	for i, r := range rows {
		out[i] = cloneMessage(*r.m)
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, idCursor(rows[len(rows)-1].id, more), nil
}

// Revive makes the dead letter id due at next with no attempt counted. It
// returns ErrNotFound when no dead letter has that ID.
func (s *Store) Revive(ctx context.Context, id uuid.UUID, next time.Time) error {
	return s.write(ctx, func(t *tx) error {
		r, ok := t.st.msgs.Get(msgRow{id: id})
		if !ok || !r.m.Dead() {
			return fmt.Errorf("memstore: dead letter %s: %w", id, storage.ErrNotFound)
		}
		m := *r.m
		m.NextAttempt = next
		m.Attempts = 0
		t.putMessage(m)
		return nil
	})
}
