package storagetest

import (
	"fmt"
	"testing"

	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testSeats checks the one seat rule: every path that admits someone or
// changes the cap counts members plus pending invitations, the same way,
// also under races.
func testSeats(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("DirectAddCannotTakeAPendingInvitationsSeat", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 2})) // the owner takes one
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		before := f.ivSnap(t)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "bob", Email: "bob@example.com"})
		wantErr(t, err, membership.ErrSeatLimit)
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, membership.EventMemberAdded)), 1) // audited
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err) // the held seat is still there for the invitee
		is.Equal(f.count(t, membership.MemberFilter{}), 2)
	})

	t.Run("AcceptingTurnsTheInvitationsSeatIntoAMembersSeat", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3}))
		_, annTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.inviteOne(t, "bob@example.com", roles.OrgMember)
		_, tok := f.link(t, invite.NewLink{})
		_, err := f.iv.Accept(f.ctx, annTok, verified("ann", "ann@example.com"))
		is.NoErr(err) // every seat is taken or held, but this one is ann's
		_, err = f.iv.Join(f.ctx, tok, verified("bob", "bob@example.com"))
		is.NoErr(err) // bob's seat is held by his invitation, whichever way he comes
		is.Equal(f.count(t, membership.MemberFilter{}), 3)
		is.Equal(len(f.invitations(t, invite.StatusPending)), 0)
		_, err = f.iv.Join(f.ctx, tok, verified("cat", "cat@example.com"))
		wantErr(t, err, invite.ErrSeatLimit)
	})

	t.Run("LoweringSeatsBelowMembersAndPendingInvitationsIsRefused", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "bob", roles.OrgMember)
		inv, _ := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		before := f.ivSnap(t)
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, seatsUpdate(f.org.Settings, 2))
		wantErr(t, err, membership.ErrSeatLimit) // owner + bob + ann's invitation = 3
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, membership.EventOrganizationUpdated)), 1)
		org, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, seatsUpdate(f.org.Settings, 3))
		is.NoErr(err)
		is.Equal(org.Settings.Seats, 3)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID))
		org, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, seatsUpdate(org.Settings, 2))
		is.NoErr(err) // the revoked invitation holds no seat
		is.Equal(org.Settings.Seats, 2)
	})

	t.Run("DeactivatedMembersHoldTheirSeatsByDefault", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 2}))
		f.add(t, "bob", roles.OrgMember)
		_, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "bob")
		is.NoErr(err)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "cat", Email: "cat@example.com"})
		wantErr(t, err, membership.ErrSeatLimit)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "cat@example.com"})
		wantErr(t, err, invite.ErrSeatLimit)
		_, err = f.svc.Reactivate(f.ctx, f.owner, f.org.ID, "bob")
		is.NoErr(err) // bob kept his seat
	})

	t.Run("DeactivatedMembersFreeTheirSeatsWhenTheOrganizationSaysSo", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3, DeactivatedFreeSeat: true}))
		f.add(t, "bob", roles.OrgMember)
		f.add(t, "cat", roles.OrgMember)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "dan", Email: "dan@example.com"})
		wantErr(t, err, membership.ErrSeatLimit)
		_, err = f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "bob")
		is.NoErr(err)
		_, tok := f.inviteOne(t, "dan@example.com", roles.OrgMember) // bob's seat is free
		before := f.ivSnap(t)
		_, err = f.svc.Reactivate(f.ctx, f.owner, f.org.ID, "bob")
		wantErr(t, err, membership.ErrSeatLimit) // dan's invitation holds it now
		f.ivUnchanged(t, before)
		// Counting deactivated members again would exceed the seats.
		set := f.org.Settings
		set.DeactivatedFreeSeat = false
		_, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &set})
		wantErr(t, err, membership.ErrSeatLimit)
		f.ivUnchanged(t, before)
		_, err = f.iv.Accept(f.ctx, tok, verified("dan", "dan@example.com"))
		is.NoErr(err)
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "cat"))
		_, err = f.svc.Reactivate(f.ctx, f.owner, f.org.ID, "bob")
		is.NoErr(err)
		is.Equal(f.count(t, membership.MemberFilter{ActiveOnly: true}), 3)
	})

	t.Run("DirectAddsAndAcceptsRacingNeverExceedTheSeats", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		const adders = 6
		for round := range rounds {
			// The owner and two invitations hold 3 of 4 seats: both
			// invitees get in, and one direct add.
			f := newInviteFixture(t, newStore, ivOn(st), ivSettings(membership.Settings{Seats: 4}))
			_, annTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
			_, bobTok := f.inviteOne(t, "bob@example.com", roles.OrgMember)
			errs := race(adders+2, func(i int) error {
				switch i {
				case 0:
					_, err := f.iv.Accept(f.ctx, annTok, verified("ann", "ann@example.com"))
					return err
				case 1:
					_, err := f.iv.Accept(f.ctx, bobTok, verified("bob", "bob@example.com"))
					return err
				}
				u := fmt.Sprintf("u%d", i)
				_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u)})
				return err
			})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: an invitee lost a held seat: %v, %v", round, errs[0], errs[1])
			}
			ok, per, other := tally(errs[2:], membership.ErrSeatLimit)
			if ok != 1 || per[0] != adders-1 || other != nil {
				t.Fatalf("round %d: %d direct adds succeeded (want 1), %d refused, other %v", round, ok, per[0], other)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 4 {
				t.Fatalf("round %d: %d members, want 4", round, n)
			}
		}
	})
}

// seatsUpdate is an update of the organization's seats alone.
func seatsUpdate(cur membership.Settings, seats int) membership.OrganizationUpdate {
	cur.Seats = seats
	return membership.OrganizationUpdate{Settings: &cur}
}
