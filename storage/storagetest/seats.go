package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testSeats checks the one seat rule: every path that admits someone or
// changes the cap counts members plus pending invitations, the same way,
// also under races.
func testSeats(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Store", func(t *testing.T) { testLedgerStore(t, newStore) })
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

	// AddMember: "A pending invitation of the organization to the
	// member's address is revoked in the same transaction (audited as
	// invitation.revoked, reason member.added): the member holds the seat
	// it held."
	t.Run("ADirectAddTakesTheSeatOfThePendingInvitationToItsAddress", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3})) // the owner takes one
		inv, tok := f.inviteOne(t, "Ann@Example.com", roles.OrgAdmin)
		inv2, _ := f.inviteOne(t, "bob@example.com", roles.OrgMember)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.COM"})
		is.NoErr(err) // every seat is taken or held, but this one is ann's
		u, err := f.svc.SeatUsage(f.ctx, f.owner, f.org.ID)
		is.NoErr(err)
		is.Equal([]int{u.Members, u.Pending, u.Free}, []int{2, 1, 0}) // ann counted once
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRevoked)
		var revoked []membership.AuditEvent
		for _, e := range f.audit(t) {
			if e.Action == invite.EventInvitationRevoked && !e.Denied {
				revoked = append(revoked, e)
			}
		}
		is.Equal(len(revoked), 1)
		is.Equal(revoked[0].After["reason"], membership.EventMemberAdded)
		is.Equal(revoked[0].After["invitation"], inv.ID.String())
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRevoked) // the admin invitation gives nothing now
		is.Equal(f.member(t, "ann").Role, roles.OrgMember)

		// A refused add leaves the invitation pending.
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "bob@example.com"})
		wantErr(t, err, membership.ErrConflict) // ann is a member already
		is.Equal(f.stored(t, inv2.ID).Status, invite.StatusPending)
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
					_, err := f.ivOn(i).Accept(f.ctx, annTok, verified("ann", "ann@example.com"))
					return err
				case 1:
					_, err := f.ivOn(i).Accept(f.ctx, bobTok, verified("bob", "bob@example.com"))
					return err
				}
				u := fmt.Sprintf("u%d", i)
				_, err := f.on(i).AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u)})
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

// testLedgerStore checks each sentence of membership.InvitationLedger's
// contracts, and MemberFilter.ActiveOnly, on the raw store.
func testLedgerStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CountPendingInvitationsCountsThoseHoldingASeat", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		expired := rawInvitation(o.ID, "expired@example.com")
		expired.ExpiresAt = start // not after now: expired
		accepted := rawInvitation(o.ID, "accepted@example.com")
		accepted.Status = invite.StatusAccepted
		revoked := rawInvitation(o.ID, "revoked@example.com")
		revoked.Status = invite.StatusRevoked
		for _, inv := range []invite.Invitation{rawInvitation(o.ID, "a@example.com"), rawInvitation(o.ID, "b@example.com"),
			expired, accepted, revoked, rawInvitation(other.ID, "a@example.com")} {
			is.NoErr(ist.InsertInvitation(ctx, inv))
		}
		n, err := ist.CountPendingInvitations(ctx, o.ID, start)
		is.NoErr(err)
		is.Equal(n, 2)
		n, err = ist.CountPendingInvitations(ctx, o.ID, start.Add(8*24*time.Hour))
		is.NoErr(err)
		is.Equal(n, 0) // all expired by then
		n, err = ist.CountPendingInvitations(ctx, other.ID, start)
		is.NoErr(err)
		is.Equal(n, 1)
		n, err = ist.CountPendingInvitations(ctx, newID(), start)
		is.NoErr(err)
		is.Equal(n, 0) // an organization that does not exist has none
	})

	t.Run("RevokeInvitesByRevokesOnlyWhatTheInviterSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		now := start.Add(time.Hour)
		sentBy := func(org uuid.UUID, addr, by string, status invite.Status) invite.Invitation {
			return insertSent(t, ist, org, addr, by, status)
		}
		p1 := sentBy(o.ID, "p1@example.com", "adm", invite.StatusPending)
		p2 := sentBy(o.ID, "p2@example.com", "adm", invite.StatusPending)
		p2.ExpiresAt = start // expired, still stored pending: revoked too
		is.NoErr(ist.UpdateInvitation(ctx, p2))
		kept := []invite.Invitation{
			sentBy(o.ID, "acc@example.com", "adm", invite.StatusAccepted),
			sentBy(o.ID, "own@example.com", "owner", invite.StatusPending),
			sentBy(other.ID, "p1@example.com", "adm", invite.StatusPending),
		}
		linkBy := func(org uuid.UUID, by string, revoked bool) invite.Link {
			l := rawLink(org)
			l.CreatedBy, l.SealedToken, l.KeyID = by, []byte{4, 5}, "k"
			if revoked {
				l.Revoked, l.RevokedAt = true, start
			}
			is.NoErr(ist.InsertLink(ctx, l))
			return l
		}
		l1 := linkBy(o.ID, "adm", false)
		keptLinks := []invite.Link{linkBy(o.ID, "adm", true), linkBy(o.ID, "owner", false), linkBy(other.ID, "adm", false)}

		got, err := ist.RevokeInvitesBy(ctx, o.ID, "adm", now)
		is.NoErr(err)
		byID := []invite.Invitation{p1, p2}
		if string(p2.ID[:]) < string(p1.ID[:]) {
			byID = []invite.Invitation{p2, p1}
		}
		want := []membership.RevokedInvite{
			{ID: byID[0].ID, EmailKey: byID[0].EmailKey, Role: roles.OrgMember, InvitedBy: "adm"},
			{ID: byID[1].ID, EmailKey: byID[1].EmailKey, Role: roles.OrgMember, InvitedBy: "adm"},
			{ID: l1.ID, Link: true, Role: roles.OrgMember, InvitedBy: "adm"},
		}
		is.Equal(got, want) // invitations, then links, each by ID

		for _, inv := range []invite.Invitation{p1, p2} {
			inv.Status, inv.DecidedAt, inv.UpdatedAt = invite.StatusRevoked, now, now
			inv.SealedToken, inv.KeyID = nil, ""
			sameInvitation(t, mustInvitation(t, ist, o.ID, inv.ID), inv)
			byToken, err := ist.InvitationByTokenHash(ctx, inv.TokenHash)
			is.NoErr(err) // the hash is kept: the token reads as revoked
			is.Equal(byToken.ID, inv.ID)
		}
		for _, inv := range kept {
			sameInvitation(t, mustInvitation(t, ist, inv.OrgID, inv.ID), inv)
		}
		l1.Revoked, l1.RevokedAt, l1.UpdatedAt = true, now, now
		l1.SealedToken, l1.KeyID = nil, ""
		stored, err := ist.Link(ctx, o.ID, l1.ID)
		is.NoErr(err)
		sameLink(t, stored, l1)
		for _, l := range keptLinks {
			stored, err := ist.Link(ctx, l.OrgID, l.ID)
			is.NoErr(err)
			sameLink(t, stored, l)
		}
		// The address is free for a new pending invitation.
		is.NoErr(ist.InsertInvitation(ctx, rawInvitation(o.ID, p1.EmailKey)))
		got, err = ist.RevokeInvitesBy(ctx, o.ID, "adm", now)
		is.NoErr(err)
		is.Equal(len(got), 0) // nothing left: not an error
		got, err = ist.RevokeInvitesBy(ctx, newID(), "adm", now)
		is.NoErr(err)
		is.Equal(len(got), 0)
	})

	// "RevokeInvitationTo revokes, as of now and as RevokeInvitesBy does,
	// the invitation of org with Status pending (whatever its expiry)
	// whose EmailKey is emailKey, and returns it; it returns none when
	// there is no such invitation."
	t.Run("RevokeInvitationToRevokesOnlyThePendingInvitationToTheAddress", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		now := start.Add(time.Hour)
		insert := func(org uuid.UUID, addr string, status invite.Status) invite.Invitation {
			return insertSent(t, ist, org, addr, "adm", status)
		}
		p := insert(o.ID, "p@example.com", invite.StatusPending)
		p.ExpiresAt = start // expired, still stored pending: revoked too
		is.NoErr(ist.UpdateInvitation(ctx, p))
		kept := []invite.Invitation{
			insert(o.ID, "acc@example.com", invite.StatusAccepted),
			insert(o.ID, "q@example.com", invite.StatusPending),
			insert(other.ID, "p@example.com", invite.StatusPending),
		}
		old := insert(o.ID, "p@example.com", invite.StatusRevoked)

		got, err := ist.RevokeInvitationTo(ctx, o.ID, p.EmailKey, now)
		is.NoErr(err)
		is.Equal(got, []membership.RevokedInvite{{ID: p.ID, EmailKey: p.EmailKey, Role: p.Role, InvitedBy: "adm"}})
		p.Status, p.DecidedAt, p.UpdatedAt = invite.StatusRevoked, now, now
		p.SealedToken, p.KeyID = nil, ""
		sameInvitation(t, mustInvitation(t, ist, o.ID, p.ID), p)
		byToken, err := ist.InvitationByTokenHash(ctx, p.TokenHash)
		is.NoErr(err) // the hash is kept: the token reads as revoked
		is.Equal(byToken.Status, invite.StatusRevoked)
		for _, inv := range append(kept, old) {
			sameInvitation(t, mustInvitation(t, ist, inv.OrgID, inv.ID), inv)
		}
		_, err = ist.PendingInvitation(ctx, o.ID, p.EmailKey)
		is.True(errors.Is(err, storage.ErrNotFound)) // the address has no pending invitation left
		got, err = ist.RevokeInvitationTo(ctx, o.ID, p.EmailKey, now)
		is.NoErr(err)
		is.Equal(len(got), 0) // nothing left: not an error
		got, err = ist.RevokeInvitationTo(ctx, newID(), p.EmailKey, now)
		is.NoErr(err)
		is.Equal(len(got), 0) // an organization that does not exist has none
	})

	t.Run("InviteSendersNamesEachSenderOfALiveInviteOnce", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		for i, c := range []struct {
			org    uuid.UUID
			by     string
			status invite.Status
		}{
			{o.ID, "a", invite.StatusPending}, {o.ID, "a", invite.StatusPending}, {o.ID, "b", invite.StatusAccepted},
			{o.ID, "c", invite.StatusRevoked}, {other.ID, "d", invite.StatusPending},
		} {
			inv := rawInvitation(c.org, fmt.Sprintf("p%d@example.com", i))
			inv.InvitedBy, inv.Status = c.by, c.status
			is.NoErr(ist.InsertInvitation(ctx, inv))
		}
		expired := rawInvitation(o.ID, "expired@example.com")
		expired.InvitedBy, expired.ExpiresAt = "e", start.Add(-time.Hour) // still stored pending
		is.NoErr(ist.InsertInvitation(ctx, expired))
		for _, c := range []struct {
			by      string
			revoked bool
		}{{"a", false}, {"f", false}, {"g", true}} {
			l := rawLink(o.ID)
			l.CreatedBy, l.Revoked = c.by, c.revoked
			is.NoErr(ist.InsertLink(ctx, l))
		}
		got, err := ist.InviteSenders(ctx, o.ID)
		is.NoErr(err)
		slices.Sort(got)
		is.Equal(got, []string{"a", "e", "f"})
		got, err = ist.InviteSenders(ctx, newID())
		is.NoErr(err)
		is.Equal(len(got), 0)
	})

	t.Run("RevokeInvitesByJoinsTheTransaction", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "p@example.com")
		inv.InvitedBy = "adm"
		is.NoErr(ist.InsertInvitation(ctx, inv))
		errRollback := errors.New("roll back")
		err := st.Transact(ctx, func(ctx context.Context) error {
			got, err := ist.RevokeInvitesBy(ctx, o.ID, "adm", start)
			is.NoErr(err)
			is.Equal(len(got), 1)
			n, err := ist.CountPendingInvitations(ctx, o.ID, start)
			is.NoErr(err)
			is.Equal(n, 0) // seen inside the transaction
			return errRollback
		})
		is.True(errors.Is(err, errRollback))
		sameInvitation(t, mustInvitation(t, ist, o.ID, inv.ID), inv) // rolled back
	})

	t.Run("CountMembersActiveOnlySkipsDeactivatedMembers", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		for _, u := range []string{"a", "b", "c", "d"} {
			m := rawMember(o.ID, u, roles.OrgMember)
			m.Deactivated = u == "b" || u == "d"
			if u == "d" {
				m.Role = roles.OrgAdmin
			}
			is.NoErr(st.InsertMember(ctx, m))
		}
		count := func(f membership.MemberFilter) int {
			n, err := st.CountMembers(ctx, o.ID, f)
			is.NoErr(err)
			return n
		}
		is.Equal(count(membership.MemberFilter{}), 4)
		is.Equal(count(membership.MemberFilter{ActiveOnly: true}), 2)
		is.Equal(count(membership.MemberFilter{ActiveOnly: true, Role: roles.OrgAdmin}), 0)
		list, _, err := st.Members(ctx, o.ID, membership.MemberFilter{ActiveOnly: true}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(list), 2)
		is.Equal(list[0].UserID, "a")
		is.Equal(list[1].UserID, "c")
		// Deactivating and reactivating moves the count.
		b, err := st.Member(ctx, o.ID, "b")
		is.NoErr(err)
		b.Deactivated = false
		is.NoErr(st.UpdateMember(ctx, b))
		is.Equal(count(membership.MemberFilter{ActiveOnly: true}), 3)
		is.NoErr(st.DeleteMember(ctx, o.ID, "a"))
		is.Equal(count(membership.MemberFilter{ActiveOnly: true}), 2)
	})
}

// mustInvitation reads invitation id of org straight from the store.
func mustInvitation(t *testing.T, ist invite.Store, org, id uuid.UUID) invite.Invitation {
	t.Helper()
	inv, err := ist.Invitation(t.Context(), org, id)
	if err != nil {
		t.Fatalf("store Invitation(%s): %v", id, err)
	}
	return inv
}

// insertSent stores a raw invitation of org to addr that by sent, with
// status and a sealed token, for the ledger's revocation cases.
func insertSent(t *testing.T, ist invite.Store, org uuid.UUID, addr, by string, status invite.Status) invite.Invitation {
	t.Helper()
	inv := rawInvitation(org, addr)
	inv.InvitedBy, inv.Status = by, status
	inv.SealedToken, inv.KeyID = []byte{1, 2, 3}, "k"
	if err := ist.InsertInvitation(t.Context(), inv); err != nil {
		t.Fatalf("InsertInvitation(%s): %v", addr, err)
	}
	return inv
}
