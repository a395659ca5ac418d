package membership

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/ident"
)

// Audit actions of what revokeInvitesOf revokes: the values of the invite
// package's EventInvitationRevoked and EventLinkRevoked, so that a host
// sees one action whoever revoked.
const (
	actionInvitationRevoked = "invitation.revoked"
	actionLinkRevoked       = "link.revoked"
)

// CheckSeats returns ErrSeatLimit when n more seats would exceed op's
// organization's Settings.Seats. Seats taken are counted one way for
// every path: members (deactivated ones too, unless
// Settings.DeactivatedFreeSeat) plus pending invitations that have not
// expired. An invitation being accepted holds its invitee's seat: mark it
// accepted before admitting the invitee, so the seat is not counted twice.
func (op *Op) CheckSeats(ctx context.Context, n int) error {
	return op.s.checkSeats(ctx, op.Org.ID, op.Org.Settings, op.Now, n)
}

func (s *Service) checkSeats(ctx context.Context, org uuid.UUID, set Settings, now time.Time, n int) error {
	if set.Seats == 0 || n <= 0 {
		return nil
	}
	members, pending, err := s.seatsTaken(ctx, org, set, now)
	if err != nil {
		return err
	}
	if members+pending+n > set.Seats {
		return &SeatLimitError{Members: members, Pending: pending, Limit: set.Seats, Asked: n}
	}
	return nil
}

// seatsTaken counts the seats of org taken under settings set at time now
// by members and by pending invitations: the one rule behind every seat
// check.
func (s *Service) seatsTaken(ctx context.Context, org uuid.UUID, set Settings, now time.Time) (members, pending int, err error) {
	members, err = s.st.CountMembers(ctx, org, MemberFilter{ActiveOnly: set.DeactivatedFreeSeat})
	if err != nil {
		return 0, 0, err
	}
	l, ok := s.st.(InvitationLedger)
	if !ok {
		return members, 0, nil
	}
	pending, err = l.CountPendingInvitations(ctx, org, now)
	if err != nil {
		return 0, 0, err
	}
	return members, pending, nil
}

// revokeSendersWhoMayNotInvite revokes what every sender of op's
// organization's invitations and links sent, when under settings next it
// may no longer invite (members may invite no more, say).
func (s *Service) revokeSendersWhoMayNotInvite(ctx context.Context, op *Op, next Organization, cause string) error {
	l, ok := s.st.(InvitationLedger)
	if !ok {
		return nil
	}
	senders, err := l.InviteSenders(ctx, op.Org.ID)
	if err != nil {
		return err
	}
	slices.Sort(senders)
	for _, id := range senders {
		m, err := s.st.Member(ctx, op.Org.ID, id)
		switch {
		case err == nil:
			if s.mayInvite(next, m) == nil {
				continue
			}
		case !isNotFound(err):
			return err
		}
		if err := s.revokeInvitesOf(ctx, op, id, cause); err != nil {
			return err
		}
	}
	return nil
}

// revokeUnlessMayInvite revokes what m sent (see revokeInvitesOf) when m,
// as it now stands, may not invite: a change (cause) took the right away.
func (s *Service) revokeUnlessMayInvite(ctx context.Context, op *Op, m Member, cause string) error {
	if s.mayInvite(op.Org, m) == nil {
		return nil
	}
	return s.revokeInvitesOf(ctx, op, m.UserID, cause)
}

// revokeInvitesOf revokes, in op's transaction, the pending invitations
// and the links that userID sent, since their authority is gone (cause is
// the action that took it: member.removed, member.deactivated…). Each is
// audited and announced as the invite package would revoke it; the seats
// the invitations held are free again.
func (s *Service) revokeInvitesOf(ctx context.Context, op *Op, userID, cause string) error {
	l, ok := s.st.(InvitationLedger)
	if !ok {
		return nil
	}
	revoked, err := l.RevokeInvitesBy(ctx, op.Org.ID, userID, op.Now)
	if err != nil {
		return err
	}
	return recordRevoked(ctx, op, revoked, cause)
}

// revokeInvitationTo revokes, in op's transaction, the pending invitation
// of op's organization to email, if any, since its invitee becomes a
// member another way (cause): it would hold a second seat and could be
// accepted later. It is audited and announced as the invite package would
// revoke it.
func (s *Service) revokeInvitationTo(ctx context.Context, op *Op, email, cause string) error {
	l, ok := s.st.(InvitationLedger)
	if !ok {
		return nil
	}
	revoked, err := l.RevokeInvitationTo(ctx, op.Org.ID, ident.EmailKey(email), op.Now)
	if err != nil {
		return err
	}
	return recordRevoked(ctx, op, revoked, cause)
}

// recordRevoked writes the audit events and host events of invitations
// and links revoked in op's transaction because of cause.
func recordRevoked(ctx context.Context, op *Op, revoked []RevokedInvite, cause string) error {
	for _, r := range revoked {
		rec := Record{Action: actionInvitationRevoked, Target: r.EmailKey, After: map[string]string{
			"invitation": r.ID.String(), "email": r.EmailKey, "role": string(r.Role),
			"invited_by": r.InvitedBy, "status": "revoked", "reason": cause}}
		if r.Link {
			rec = Record{Action: actionLinkRevoked, Target: r.ID.String(), After: map[string]string{
				"link": r.ID.String(), "role": string(r.Role), "created_by": r.InvitedBy,
				"revoked": strconv.FormatBool(true), "reason": cause}}
		}
		if err := op.Record(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}
