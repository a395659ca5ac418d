package storagetest

import (
	"fmt"
	"testing"

	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// racers is how many goroutines race in the invitation races.
const racers = 16

// testInviteConcurrency races goroutines on invitations: the final state
// is always one of the legal ones.
func testInviteConcurrency(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ManyAcceptingOneInvitationMakeOneMember", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st))
			_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
			// The same user from several tabs, and several accounts
			// claiming the same verified address.
			errs := race(racers, func(i int) error {
				user := "ann"
				if i%2 == 1 {
					user = fmt.Sprintf("ann-%d", i)
				}
				_, err := f.ivOn(i).Accept(f.ctx, tok, verified(user, "ann@example.com"))
				return err
			})
			ok, per, other := tally(errs, invite.ErrAlreadyUsed)
			if ok != 1 || per[0] != racers-1 || other != nil {
				t.Fatalf("round %d: %d accepted (want 1), %d already used, other error %v", round, ok, per[0], other)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 2 {
				t.Fatalf("round %d: %d members, want the owner and one invitee", round, n)
			}
			if got := f.invitations(t, invite.StatusAccepted); len(got) != 1 {
				t.Fatalf("round %d: %d accepted invitations, want 1", round, len(got))
			}
		}
	})

	t.Run("AcceptRacingRevokeEndsInOneOfThem", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds * 2 {
			f := newInviteFixture(t, newStore, ivOn(st))
			inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
			errs := race(2, func(i int) error {
				if i == 0 {
					_, err := f.ivOn(i).Accept(f.ctx, tok, verified("ann", "ann@example.com"))
					return err
				}
				return f.ivOn(i).Revoke(f.ctx, f.owner, f.org.ID, inv.ID)
			})
			status := f.stored(t, inv.ID).Status
			member := f.isMember(t, "ann")
			switch {
			case errs[0] == nil && errs[1] != nil:
				if status != invite.StatusAccepted || !member {
					t.Fatalf("round %d: accept won but status %s, member %v", round, status, member)
				}
				wantErr(t, errs[1], invite.ErrAlreadyUsed)
			case errs[0] != nil && errs[1] == nil:
				if status != invite.StatusRevoked || member {
					t.Fatalf("round %d: revoke won but status %s, member %v", round, status, member)
				}
				wantErr(t, errs[0], invite.ErrRevoked)
			default:
				t.Fatalf("round %d: accept %v, revoke %v: want exactly one to win", round, errs[0], errs[1])
			}
		}
	})

	t.Run("DuplicateInvitationsToOneAddressLeaveOnePending", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st))
			results := make([]invite.Result, racers)
			errs := race(racers, func(i int) error {
				var err error
				results[i], err = f.ivOn(i).Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: fmt.Sprintf("ANN@example.com, x%d@example.com", i)})
				return err
			})
			ok, _, other := tally(errs)
			if ok != racers || other != nil {
				t.Fatalf("round %d: %d of %d invitations succeeded: %v", round, ok, racers, other)
			}
			invited := 0
			var last string
			for _, r := range results {
				if r.Addresses[0].Outcome == invite.Invited {
					invited++
				}
			}
			pending := f.invitations(t, invite.StatusPending)
			annCount := 0
			for _, inv := range pending {
				if inv.EmailKey == "ann@example.com" {
					annCount++
					last = fmt.Sprintf("%x", inv.TokenHash)
				}
			}
			if invited != 1 || annCount != 1 || len(pending) != racers+1 {
				t.Fatalf("round %d: %d invited outcomes, %d pending for the address, %d pending in all", round, invited, annCount, len(pending))
			}
			// Exactly one of the tokens handed out still works: the last.
			works := 0
			for _, r := range results {
				if _, err := f.iv.Preview(f.ctx, r.Addresses[0].Token); err == nil {
					works++
				}
			}
			if works != 1 || last == "" {
				t.Fatalf("round %d: %d tokens work, want 1", round, works)
			}
		}
	})

	t.Run("InvitationsRacingForTheLastSeatsNeverExceedThem", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st), ivSettings(membership.Settings{Seats: 4})) // the owner + 3
			errs := race(racers, func(i int) error {
				_, err := f.ivOn(i).Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: fmt.Sprintf("u%d@example.com", i)})
				return err
			})
			ok, per, other := tally(errs, invite.ErrSeatLimit)
			if ok != 3 || per[0] != racers-3 || other != nil {
				t.Fatalf("round %d: %d invited (want 3), %d refused, other %v", round, ok, per[0], other)
			}
			if n := len(f.invitations(t, invite.StatusPending)); n != 3 {
				t.Fatalf("round %d: %d pending invitations, want 3", round, n)
			}
		}
	})

	t.Run("QuotasHoldUnderConcurrentInvites", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		f := newInviteFixture(t, newStore, ivOn(st), ivSettings(membership.Settings{InvitesPerDay: 5}))
		errs := race(racers, func(i int) error {
			_, err := f.ivOn(i).Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: fmt.Sprintf("q%d@example.com", i)})
			return err
		})
		ok, per, other := tally(errs, invite.ErrRateLimited)
		is.NoErr(other)
		is.Equal(ok, 5)
		is.Equal(per[0], racers-5)
	})
}

// testLinkConcurrency races users on links and seats.
func testLinkConcurrency(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("UsersRacingForTheLastUsesOfALink", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st))
			l, tok := f.link(t, invite.NewLink{MaxUses: 5})
			errs := race(racers, func(i int) error {
				_, err := f.ivOn(i).Join(f.ctx, tok, verified(fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i)))
				return err
			})
			ok, per, other := tally(errs, invite.ErrUsedUp)
			if ok != 5 || per[0] != racers-5 || other != nil {
				t.Fatalf("round %d: %d joined (want 5), %d used up, other %v", round, ok, per[0], other)
			}
			if uses := f.storedLink(t, l.ID).Uses; uses != 5 {
				t.Fatalf("round %d: %d uses counted, want 5", round, uses)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 6 {
				t.Fatalf("round %d: %d members, want 6", round, n)
			}
		}
	})

	t.Run("UsersRacingForTheLastSeat", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st), ivSettings(membership.Settings{Seats: 3}))
			f.inviteOne(t, "held@example.com", roles.OrgMember) // holds a seat
			_, tok := f.link(t, invite.NewLink{})
			errs := race(racers, func(i int) error {
				_, err := f.ivOn(i).Join(f.ctx, tok, verified(fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i)))
				return err
			})
			ok, per, other := tally(errs, invite.ErrSeatLimit)
			if ok != 1 || per[0] != racers-1 || other != nil {
				t.Fatalf("round %d: %d joined (want 1), %d refused, other %v", round, ok, per[0], other)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 2 {
				t.Fatalf("round %d: %d members, want 2", round, n)
			}
		}
	})

	t.Run("JoinsRacingRevokeNeverJoinAfterIt", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newInviteFixture(t, newStore, ivOn(st))
			l, tok := f.link(t, invite.NewLink{})
			errs := race(racers, func(i int) error {
				if i == 0 {
					return f.ivOn(i).RevokeLink(f.ctx, f.owner, f.org.ID, l.ID)
				}
				_, err := f.ivOn(i).Join(f.ctx, tok, verified(fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i)))
				return err
			})
			if errs[0] != nil {
				t.Fatalf("round %d: revoke: %v", round, errs[0])
			}
			ok, per, other := tally(errs[1:], invite.ErrRevoked)
			if ok+per[0] != racers-1 || other != nil {
				t.Fatalf("round %d: %d joined, %d refused, other %v", round, ok, per[0], other)
			}
			stored := f.storedLink(t, l.ID)
			if stored.Uses != ok || f.count(t, membership.MemberFilter{}) != ok+1 {
				t.Fatalf("round %d: %d joins succeeded but %d uses and %d members", round, ok, stored.Uses, f.count(t, membership.MemberFilter{}))
			}
		}
	})
}
