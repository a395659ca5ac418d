package storagetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testInvitationLimits checks seats, daily quotas and batch limits.
func testInvitationLimits(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("SeatsCountMembersAndPendingInvitations", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3})) // the owner takes one
		a, _ := f.inviteOne(t, "a@example.com", roles.OrgMember)
		f.inviteOne(t, "b@example.com", roles.OrgMember)
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		wantErr(t, err, invite.ErrSeatLimit)
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 1)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com"})
		is.NoErr(err) // re-inviting takes no new seat
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, a.ID))
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com, d@example.com"})
		wantErr(t, err, invite.ErrSeatLimit) // one seat, two addresses: none invited
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		is.NoErr(err)
		// Expired invitations free their seats; resending one takes it back.
		f.clk.Advance(invite.DefaultTTL)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "d@example.com, e@example.com"})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 2)
		b := f.invitations(t, invite.StatusExpired)
		is.True(len(b) > 0)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, b[0].ID)
		wantErr(t, err, invite.ErrSeatLimit)
	})

	t.Run("DailyQuotasCountInviteesAndResends", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{InvitesPerDay: 5, InvitesPerInviterPerDay: 3}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "member", roles.OrgMember)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, b@example.com, c@example.com, member@example.com"})
		is.NoErr(err) // a member's address sends nothing and counts nothing
		is.Equal(res.Addresses[3].Outcome, invite.AlreadyMember)
		before := f.ivSnap(t)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, res.Addresses[0].Invitation.ID)
		wantErr(t, err, invite.ErrRateLimited) // the inviter's quota: 3
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com"})
		wantErr(t, err, invite.ErrRateLimited) // a refresh counts too
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationResent)), 1) // audited
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "d@example.com e@example.com f@example.com"})
		wantErr(t, err, invite.ErrRateLimited) // the organization's quota: 5
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "d@example.com e@example.com"})
		is.NoErr(err)
		_, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "f@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
		f.clk.Advance(24*time.Hour + time.Second) // a day later
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "f@example.com, g@example.com, h@example.com"})
		is.NoErr(err)
	})

	t.Run("DefaultQuotasComeFromTheOptions", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.InvitesPerInviterPerDay = 2 }))
		f.inviteOne(t, "a@example.com", roles.OrgMember)
		f.inviteOne(t, "b@example.com", roles.OrgMember)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "c@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
	})

	t.Run("AHostLimiterCanRefuse", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		calls := 0
		var lim limiterFunc = func(ctx context.Context, org uuid.UUID, actor string, n int) error {
			calls++
			if n > 1 {
				return errors.New("slow down")
			}
			return nil
		}
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.Limiter = lim }))
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com b@example.com"})
		wantErr(t, err, invite.ErrRateLimited)
		f.ivUnchanged(t, before)
		f.inviteOne(t, "a@example.com", roles.OrgMember)
		is.Equal(calls, 2)
	})

	t.Run("WhoMayInviteIsCheckedBeforeTheListIsParsedOrThrottled", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		var mu sync.Mutex
		calls := 0
		var lim limiterFunc = func(ctx context.Context, org uuid.UUID, actor string, n int) error {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return nil
		}
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.Limiter = lim; o.BatchLimit = invite.MaxBatchLimit }))
		f.add(t, "mem", roles.OrgMember) // members may not invite here
		before := f.ivSnap(t)
		huge := strings.Repeat("a@b.co"+strings.Repeat(" ", 1000)+"(x) ", 900) // about 1 MB
		for _, actor := range []string{"stranger", "mem"} {
			for _, req := range []invite.Request{
				{Emails: "new@example.com"},
				{Emails: "not an address, bob@-bad-.com"},       // parsing would say ErrInvalidEmail
				{Emails: strings.Repeat("x@example.com ", 1e5)}, // parsing would say ErrBatchTooLarge
				{Emails: huge},
				{List: make([]string, 1e4)},
			} {
				_, err := f.iv.Invite(f.ctx, actor, f.org.ID, req)
				wantErr(t, err, invite.ErrForbidden)
			}
		}
		is.Equal(calls, 0) // the host's Limiter is not charged for a refused inviter
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 10) // each refusal is audited

		// For an inviter, the Limiter runs before the list is parsed: a
		// throttled inviter costs no parsing either.
		g := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) {
			o.Limiter = limiterFunc(func(context.Context, uuid.UUID, string, int) error { return errors.New("slow down") })
		}))
		before = g.ivSnap(t)
		_, err := g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: "not an address, bob@-bad-.com"})
		wantErr(t, err, invite.ErrRateLimited)
		g.ivUnchanged(t, before)
	})

	t.Run("BatchesAreLimited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		addrs := func(n int) string {
			var out []string
			for i := range n {
				out = append(out, fmt.Sprintf("user%d@example.com", i))
			}
			return strings.Join(out, ", ")
		}
		f := newInviteFixture(t, newStore)
		before := f.ivSnap(t)
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: addrs(11)})
		wantErr(t, err, invite.ErrBatchTooLarge) // the default limit is 10
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: " ;, \n"})
		wantErr(t, err, invite.ErrEmptyBatch)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{})
		wantErr(t, err, invite.ErrEmptyBatch)
		f.ivUnchanged(t, before)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: addrs(10)})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 10)

		g := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.BatchLimit = 20 }))
		_, err = g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: addrs(21)})
		wantErr(t, err, invite.ErrBatchTooLarge)
		res, err = g.iv.Invite(g.ctx, g.owner, g.org.ID, invite.Request{Emails: addrs(20)})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 20)
	})
}

// limiterFunc adapts a function to invite.Limiter.
type limiterFunc func(ctx context.Context, org uuid.UUID, actor string, n int) error

func (f limiterFunc) Allow(ctx context.Context, org uuid.UUID, actor string, n int) error {
	return f(ctx, org, actor, n)
}
