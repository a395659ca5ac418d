package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// SeatLimitError is the ErrSeatLimit of a refused admission or a lowered
// limit, with the numbers behind it: errors.As finds it, and errors.Is
// matches ErrSeatLimit.
type SeatLimitError struct {
	// Licences is true when licences ran out, false for seats.
	Licences bool
	// Members and Pending take the seats (or, for licences, Members are
	// the licensed members and Pending is 0).
	Members, Pending int
	// Limit is the organization's Seats or Licences.
	Limit int
	// Asked is how many more the refused change needed (0 when a limit
	// was lowered below what is taken).
	Asked int
}

// Error reads as a sentence: "seat limit reached: 10 of 10 seats taken
// (9 members, 1 pending invitation), 1 more asked".
func (e *SeatLimitError) Error() string {
	what, taken := "seats", fmt.Sprintf("%d members, %d pending invitations", e.Members, e.Pending)
	if e.Licences {
		what, taken = "licences", fmt.Sprintf("%d licensed members", e.Members)
	}
	msg := fmt.Sprintf("roster: seat limit reached: %d of %d %s taken (%s)", e.Members+e.Pending, e.Limit, what, taken)
	if e.Asked > 0 {
		msg += fmt.Sprintf(", %d more asked", e.Asked)
	}
	return msg
}

// Unwrap returns ErrSeatLimit.
func (e *SeatLimitError) Unwrap() error { return ErrSeatLimit }

// SeatUsage is how an organization's seats and licences are used, as
// every seat check counts them (see Op.CheckSeats).
type SeatUsage struct {
	// Members holding a seat (deactivated ones too, unless
	// Settings.DeactivatedFreeSeat) and pending, unexpired invitations.
	Members, Pending int
	// Seats is the limit; 0 means none. Free is Seats-Members-Pending, or
	// -1 without a limit.
	Seats, Free int
	// Licensed members and the Licences limit (0: none).
	Licensed, Licences int
}

// SeatUsage returns the seat and licence usage of org. Any active member
// may read it (the Members tab shows it); others get ErrForbidden.
func (s *Service) SeatUsage(ctx context.Context, actor string, org uuid.UUID) (SeatUsage, error) {
	if _, err := s.reader(ctx, actor, org); err != nil {
		return SeatUsage{}, err
	}
	o, err := s.st.Organization(ctx, org)
	if err != nil {
		return SeatUsage{}, err
	}
	set := o.Settings
	var u SeatUsage
	if u.Members, u.Pending, err = s.seatsTaken(ctx, org, set, s.clock.Now().UTC()); err != nil {
		return SeatUsage{}, err
	}
	if u.Licensed, err = s.st.CountMembers(ctx, org, MemberFilter{LicensedOnly: true}); err != nil {
		return SeatUsage{}, err
	}
	u.Seats, u.Licences, u.Free = set.Seats, set.Licences, -1
	if set.Seats > 0 {
		u.Free = max(set.Seats-u.Members-u.Pending, 0)
	}
	return u, nil
}
