package sqlstore

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// CountPendingInvitations counts the invitations of org whose Status is
// pending and whose ExpiresAt is after now, on the index of pending
// invitations. An organization that does not exist has none.
func (s *Store) CountPendingInvitations(ctx context.Context, org uuid.UUID, now time.Time) (int, error) {
	at := encTime(now)
	return reread(ctx, s, func(c querier) (int, error) {
		var n int
		if err := c.QueryRowContext(ctx, s.iq.countPending, org, at).Scan(&n); err != nil {
			return 0, s.translate(ctx, "count pending invitations", err)
		}
		return n, nil
	})
}

// RevokeInvitesBy revokes, as of now, the pending invitations (whatever
// their expiry) that inviter sent and the links it created that are not
// revoked, and returns them: invitations, then links, each ordered by ID.
// In one transaction, it reads them and then revokes them with one UPDATE
// each, with the same conditions; the Service calls it under the
// organization's lock, so nothing comes in between. It clears their sealed
// tokens and keeps their token hashes. Revoking nothing (an organization
// that does not exist included) is not an error.
func (s *Store) RevokeInvitesBy(ctx context.Context, org uuid.UUID, inviter string, now time.Time) ([]membership.RevokedInvite, error) {
	const op = "revoke invites by"
	if !validText(inviter) {
		return nil, nil
	}
	at := encTime(now)
	var out []membership.RevokedInvite
	err := s.Transact(ctx, func(ctx context.Context) error {
		out = out[:0]
		c := s.conn(ctx)
		invs, err := list(ctx, s, c, op, s.iq.sentInvitations, []any{org, inviter}, s.revokedInvitation(ctx, op))
		if err != nil {
			return err
		}
		if len(invs) > 0 {
			if _, err := c.ExecContext(ctx, s.iq.revokeSentInvitations, string(invite.StatusRevoked), at, at,
				org, inviter); err != nil {
				return s.translate(ctx, op, err)
			}
		}
		links, err := list(ctx, s, c, op, s.iq.createdLinks, []any{org, inviter, false},
			func(r scanner) (membership.RevokedInvite, error) {
				v := membership.RevokedInvite{Link: true, InvitedBy: inviter}
				var role string
				if err := r.Scan(&v.ID, &role); err != nil {
					return v, s.translate(ctx, op, err)
				}
				v.Role = roles.Role(role)
				return v, nil
			})
		if err != nil {
			return err
		}
		if len(links) > 0 {
			if _, err := c.ExecContext(ctx, s.iq.revokeCreatedLinks, true, at, at, org, inviter, false); err != nil {
				return s.translate(ctx, op, err)
			}
		}
		out = append(append(out, invs...), links...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeInvitationTo revokes, as of now, the pending invitation of org
// (whatever its expiry) to emailKey and returns it; none when there is
// none. In one transaction it reads the invitation on the index of
// pending invitations and revokes it by ID with the same condition.
func (s *Store) RevokeInvitationTo(ctx context.Context, org uuid.UUID, emailKey string, now time.Time) ([]membership.RevokedInvite, error) {
	const op = "revoke invitation to"
	if !validText(emailKey) {
		return nil, nil
	}
	at := encTime(now)
	var out []membership.RevokedInvite
	err := s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		invs, err := list(ctx, s, c, op, s.iq.invitationTo, []any{org, emailKey}, s.revokedInvitation(ctx, op))
		if err != nil {
			return err
		}
		for _, v := range invs {
			if _, err := c.ExecContext(ctx, s.iq.revokeInvitationTo, string(invite.StatusRevoked), at, at, org, v.ID); err != nil {
				return s.translate(ctx, op, err)
			}
		}
		out = invs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// revokedInvitation scans a row of sentInvitations or invitationTo: an
// invitation about to be revoked.
func (s *Store) revokedInvitation(ctx context.Context, op string) func(r scanner) (membership.RevokedInvite, error) {
	return func(r scanner) (membership.RevokedInvite, error) {
		var (
			v    membership.RevokedInvite
			role string
		)
		if err := r.Scan(&v.ID, &v.EmailKey, &role, &v.InvitedBy); err != nil {
			return v, s.translate(ctx, op, err)
		}
		v.Role = roles.Role(role)
		return v, nil
	}
}

// InviteSenders returns, each once, the user IDs that sent a pending
// invitation (whatever its expiry) or created a link that is not revoked,
// in one UNION query. An organization that does not exist has none.
func (s *Store) InviteSenders(ctx context.Context, org uuid.UUID) ([]string, error) {
	const op = "invite senders"
	return reread(ctx, s, func(c querier) ([]string, error) {
		return list(ctx, s, c, op, s.iq.inviteSenders, []any{org, org, false}, func(r scanner) (string, error) {
			var id string
			if err := r.Scan(&id); err != nil {
				return "", s.translate(ctx, op, err)
			}
			return id, nil
		})
	})
}
