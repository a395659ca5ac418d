package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/storage"
)

// Sends count the invitations an organization and each inviter sent, for
// the daily quotas. They are kept by time, so that a count looks at the
// window only and pruning old sends takes them from the front; a second
// tree by ID guards uniqueness.

type sendRow struct {
	at time.Time
	id uuid.UUID
	s  *invite.Send
}

func lessSendAt(a, b sendRow) bool {
	if c := a.at.Compare(b.at); c != 0 {
		return c < 0
	}
	return lessID(a.id, b.id)
}

func lessSendID(a, b sendRow) bool { return lessID(a.id, b.id) }

// InsertSend inserts snd. It returns ErrNotFound when snd.OrgID does not
// exist and ErrConflict when the ID is taken.
func (s *Store) InsertSend(ctx context.Context, snd invite.Send) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(snd.OrgID)
		switch {
		case o == nil:
			return orgNotFound(snd.OrgID)
		case o.sendIDs.Has(sendRow{id: snd.ID}):
			return fmt.Errorf("memstore: send %s: %w", snd.ID, storage.ErrConflict)
		}
		r := sendRow{at: snd.At, id: snd.ID, s: &snd}
		put(t, o.sends, r)
		put(t, o.sendIDs, r)
		return nil
	})
}

// CountSends sums the Count of the sends of org whose At is not before
// since, of one inviter, or of all when inviter is "".
func (s *Store) CountSends(ctx context.Context, org uuid.UUID, inviter string, since time.Time) (int, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return 0, nil
	}
	n := 0
	o.sends.AscendGreaterOrEqual(sendRow{at: since}, func(r sendRow) bool {
		if inviter == "" || r.s.InvitedBy == inviter {
			n += r.s.Count
		}
		return true
	})
	return n, nil
}

// DeleteSends deletes the sends of org whose At is before before.
func (s *Store) DeleteSends(ctx context.Context, org uuid.UUID, before time.Time) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil {
			return nil
		}
		rows, _ := collect(o.sends, sendRow{}, func(r sendRow) bool { return r.at.Before(before) }, nil, -1)
		for _, r := range rows {
			del(t, o.sends, r)
			del(t, o.sendIDs, r)
		}
		return nil
	})
}
