package sqlstore

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
)

// InsertSend inserts snd. It returns ErrNotFound when snd.OrgID does not
// exist and ErrConflict when the ID is taken.
func (s *Store) InsertSend(ctx context.Context, snd invite.Send) error {
	if err := checkTimes(snd.At); err != nil {
		return err
	}
	const op = "insert send"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, snd.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.iq.insertSend, snd.ID, snd.OrgID, snd.InvitedBy, snd.Count, encTime(snd.At))
		return s.translate(ctx, op, err)
	})
}

// CountSends sums the Count of the sends of org whose At is not before
// since, of one inviter, or of all when inviter is "".
func (s *Store) CountSends(ctx context.Context, org uuid.UUID, inviter string, since time.Time) (int, error) {
	if !validText(inviter) {
		return 0, nil
	}
	q, args := s.iq.countSends, []any{org, encTime(since)}
	if inviter != "" {
		q, args = s.iq.countSendsBy, append(args, inviter)
	}
	return reread(ctx, s, func(c querier) (int, error) {
		var n int64
		if err := c.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, s.translate(ctx, "count sends", err)
		}
		return int(n), nil
	})
}

// DeleteSends deletes the sends of org whose At is before before.
func (s *Store) DeleteSends(ctx context.Context, org uuid.UUID, before time.Time) error {
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.iq.deleteSends, org, encTime(before))
		return s.translate(ctx, "delete sends", err)
	})
}
