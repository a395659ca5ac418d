package invite

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// quotaWindow is the period of the invite quotas.
const quotaWindow = 24 * time.Hour

// checkSeats returns ErrSeatLimit when extra more seats would exceed the
// organization's, counted by the membership package's one rule (see
// membership.Op.CheckSeats): members plus pending (unexpired) invitations.
func (s *Service) checkSeats(ctx context.Context, o *membership.Op, extra int) error {
	return o.CheckSeats(ctx, extra)
}

// spend counts n invitation emails against the organization's and the
// inviter's daily quotas, or returns ErrRateLimited when either would be
// exceeded.
func (s *Service) spend(ctx context.Context, o *membership.Op, n int) error {
	if n == 0 {
		return nil
	}
	since := o.Now.Add(-quotaWindow)
	if err := s.st.DeleteSends(ctx, o.Org.ID, since); err != nil {
		return err
	}
	orgLimit := pick(o.Org.Settings.InvitesPerDay, s.opts.InvitesPerDay)
	userLimit := pick(o.Org.Settings.InvitesPerInviterPerDay, s.opts.InvitesPerInviterPerDay)
	for _, q := range []struct {
		who   string
		limit int
		what  string
	}{{"", orgLimit, "organization"}, {o.Actor.UserID, userLimit, "inviter"}} {
		if q.limit < 0 {
			continue
		}
		used, err := s.st.CountSends(ctx, o.Org.ID, q.who, since)
		if err != nil {
			return err
		}
		if used+n > q.limit {
			return fmt.Errorf("%w: the %s may send %d invitations a day; %d sent, %d more asked", ErrRateLimited, q.what, q.limit, used, n)
		}
	}
	return s.st.InsertSend(ctx, Send{ID: newID(), OrgID: o.Org.ID, InvitedBy: o.Actor.UserID, Count: n, At: o.Now})
}

// pick returns the organization's setting when set, else the default.
func pick(setting, def int) int {
	if setting > 0 {
		return setting
	}
	return def
}

// throttle asks the host's Limiter, if any.
func (s *Service) throttle(ctx context.Context, actor string, org uuid.UUID, action string, n int) error {
	if s.opts.Limiter == nil {
		return nil
	}
	if err := s.opts.Limiter.Allow(ctx, org, actor, n); err != nil {
		err = fmt.Errorf("%s: %w: %v", action, ErrRateLimited, err)
		s.x.RecordDenied(ctx, actor, org, action, "", err)
		return err
	}
	return nil
}

// mayChange refuses changing an invitation or link that gives more than
// the actor holds (ErrForbidden): nobody changes what ranks above them.
func (s *Service) mayChange(o *membership.Op, role roles.Role, grants roles.PermSet) error {
	actor, err := s.cat.OrgStanding(o.Actor.Role, o.Actor.Grants)
	if err != nil {
		return err
	}
	from, err := s.cat.OrgStanding(role, grants)
	if err != nil {
		return nil // a role the catalog no longer has gives nothing
	}
	return roles.Ceiling(actor, &from, nil)
}

func storagePage(after string, limit int) storage.Page {
	return storage.Page{After: after, Limit: limit}
}

func sortedIDs[V any](m map[uuid.UUID]V) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}
