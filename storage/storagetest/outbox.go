package storagetest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// testOutbox checks the outbox methods of the raw store. Each subtest uses
// a channel of its own, so that parallel subtests on one database do not
// claim each other's messages.
func testOutbox(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ClaimReturnsDueMessagesOldestFirstAndLeasesThem", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		m1 := rawMessage(o.ID, ch, start)
		m2 := rawMessage(o.ID, ch, start.Add(time.Second))
		later := rawMessage(o.ID, ch, start.Add(time.Hour)) // not due yet
		elsewhere := rawMessage(o.ID, uniq("chan"), start)
		is.NoErr(st.Enqueue(ctx, m2, m1, later, elsewhere))

		now := start.Add(time.Minute)
		got, err := st.Claim(ctx, ch, now, time.Minute, 10)
		is.NoErr(err)
		is.Equal(ids(got), []uuid.UUID{m1.ID, m2.ID}) // due messages of the channel, oldest first
		is.Equal(got[0].Attempts, 1)                  // Claim counts the attempt
		is.Equal(got[0].Topic, m1.Topic)
		is.Equal(string(got[0].Payload), string(m1.Payload))
		is.Equal(got[0].OrgID, o.ID)
		is.Equal(got[0].Channel, ch)

		again, err := st.Claim(ctx, ch, now, time.Minute, 10)
		is.NoErr(err)
		is.Equal(len(again), 0) // leased messages are skipped

		again, err = st.Claim(ctx, ch, now.Add(2*time.Minute), time.Minute, 10)
		is.NoErr(err)
		is.Equal(ids(again), []uuid.UUID{m1.ID, m2.ID}) // the lease ran out
		is.Equal(again[0].Attempts, 2)
	})

	t.Run("ClaimTakesAtMostLimit", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		var want []uuid.UUID
		for i := range 5 {
			m := rawMessage(o.ID, ch, start.Add(time.Duration(i)*time.Second))
			want = append(want, m.ID)
			is.NoErr(st.Enqueue(ctx, m))
		}
		now := start.Add(time.Minute)
		first, err := st.Claim(ctx, ch, now, time.Hour, 2)
		is.NoErr(err)
		is.Equal(ids(first), want[:2])
		rest, err := st.Claim(ctx, ch, now, time.Hour, 10)
		is.NoErr(err)
		is.Equal(ids(rest), want[2:])
	})

	t.Run("EnqueueRejectsATakenID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		m := rawMessage(o.ID, ch, start)
		is.NoErr(st.Enqueue(ctx, m))
		dup := rawMessage(o.ID, ch, start.Add(time.Second))
		dup.ID = m.ID
		wantErr(t, st.Enqueue(ctx, dup), storage.ErrConflict)
		got, err := st.Claim(ctx, ch, start.Add(time.Minute), time.Minute, 10)
		is.NoErr(err)
		is.Equal(ids(got), []uuid.UUID{m.ID}) // the first message, once
		is.True(got[0].CreatedAt.Equal(m.CreatedAt))
		is.NoErr(st.Ack(ctx, m.ID))
	})

	t.Run("AckDeletesAndRetryReschedules", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		a, b := rawMessage(o.ID, ch, start), rawMessage(o.ID, ch, start.Add(time.Second))
		is.NoErr(st.Enqueue(ctx, a, b))
		now := start.Add(time.Minute)
		got, err := st.Claim(ctx, ch, now, time.Second, 10)
		is.NoErr(err)
		is.Equal(len(got), 2)
		is.NoErr(st.Ack(ctx, a.ID))
		is.NoErr(st.Ack(ctx, a.ID))       // a message already gone is not an error
		is.NoErr(st.Ack(ctx, uuid.New())) // nor is one that never was
		next := now.Add(time.Hour)
		is.NoErr(st.Retry(ctx, b.ID, next, "mailer down"))
		is.NoErr(st.Retry(ctx, a.ID, next, "gone")) // gone: not an error

		got, err = st.Claim(ctx, ch, next.Add(-time.Second), time.Second, 10)
		is.NoErr(err)
		is.Equal(len(got), 0) // b waits until next; a is gone
		got, err = st.Claim(ctx, ch, next, time.Second, 10)
		is.NoErr(err)
		is.Equal(ids(got), []uuid.UUID{b.ID})
		is.Equal(got[0].LastError, "mailer down")
		is.Equal(got[0].Attempts, 2)
	})

	t.Run("EnqueueJoinsTheTransaction", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		m := rawMessage(o.ID, ch, start)
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.Enqueue(ctx, m); err != nil {
				return err
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		got, err := st.Claim(ctx, ch, start.Add(time.Hour), time.Minute, 10)
		is.NoErr(err)
		is.Equal(len(got), 0) // a rolled-back message is never delivered
	})

	t.Run("ConcurrentClaimsNeverHandOutAMessageTwice", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch := uniq("chan")
		const n = 60
		var msgs []membership.Message
		for i := range n {
			msgs = append(msgs, rawMessage(o.ID, ch, start.Add(time.Duration(i)*time.Millisecond)))
		}
		is.NoErr(st.Enqueue(ctx, msgs...))
		var mu sync.Mutex
		seen := make(map[uuid.UUID]int)
		errs := race(8, func(i int) error {
			for {
				got, err := handle(st, i).Claim(ctx, ch, start.Add(time.Minute), time.Hour, 3)
				if err != nil {
					return err
				}
				if len(got) == 0 {
					return nil
				}
				mu.Lock()
				total := 0
				for _, m := range got {
					seen[m.ID]++
				}
				for _, k := range seen {
					total += k
				}
				mu.Unlock()
				if total > 2*n {
					return nil // messages come back: the leases do not hold
				}
			}
		})
		for _, err := range errs {
			is.NoErr(err)
		}
		is.Equal(len(seen), n) // every message was claimed
		for id, k := range seen {
			if k != 1 {
				t.Errorf("message %s claimed %d times under one lease", id, k)
			}
		}
	})

	t.Run("DeadLettersAreListedByChannelNeverClaimedAndRevived", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		ch, other := uniq("chan"), uniq("chan")
		var dead []uuid.UUID
		for i := range 5 {
			m := rawMessage(o.ID, ch, start.Add(time.Duration(i)*time.Second))
			is.NoErr(st.Enqueue(ctx, m))
			is.NoErr(st.Retry(ctx, m.ID, membership.DeadLetterTime(), "boom"))
			dead = append(dead, m.ID)
		}
		live := rawMessage(o.ID, ch, start)
		elsewhere := rawMessage(o.ID, other, start)
		is.NoErr(st.Enqueue(ctx, live, elsewhere))
		is.NoErr(st.Retry(ctx, elsewhere.ID, membership.DeadLetterTime(), "boom"))

		got, err := st.Claim(ctx, ch, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Second, 100)
		is.NoErr(err)
		is.Equal(ids(got), []uuid.UUID{live.ID}) // dead letters are never claimed

		var listed []membership.Message
		page := storage.Page{Limit: 2}
		for {
			ms, next, err := st.DeadLetters(ctx, ch, page)
			is.NoErr(err)
			is.True(len(ms) <= 2)
			listed = append(listed, ms...)
			if !advance(t, &page, next) {
				break
			}
		}
		sorted := slices.Clone(dead)
		slices.SortFunc(sorted, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
		is.Equal(ids(listed), sorted) // the channel's dead letters, by ID, page by page
		is.True(listed[0].Dead())
		is.Equal(listed[0].LastError, "boom")
		is.Equal(listed[0].Channel, ch)

		is.NoErr(st.Revive(ctx, dead[0], start.Add(time.Minute)))
		wantErr(t, st.Revive(ctx, dead[0], start), storage.ErrNotFound) // no longer dead
		wantErr(t, st.Revive(ctx, live.ID, start), storage.ErrNotFound) // never dead
		wantErr(t, st.Revive(ctx, newID(), start), storage.ErrNotFound)
		got, err = st.Claim(ctx, ch, start.Add(time.Minute), time.Second, 100)
		is.NoErr(err)
		is.Equal(ids(got), []uuid.UUID{dead[0]})
		is.Equal(got[0].Attempts, 1) // a revived message starts a new series
		rest, _, err := st.DeadLetters(ctx, ch, storage.Page{})
		is.NoErr(err)
		is.Equal(len(rest), 4)
	})
}

// rawMessage returns an outbox message due at at, not yet stored.
func rawMessage(org uuid.UUID, channel string, at time.Time) membership.Message {
	id := newID()
	return membership.Message{ID: id, OrgID: org, Channel: channel, Topic: "test.topic",
		Payload: []byte(`{"id":"` + id.String() + `"}`), CreatedAt: at, NextAttempt: at}
}

// ids returns the IDs of msgs, in order.
func ids(msgs []membership.Message) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}
