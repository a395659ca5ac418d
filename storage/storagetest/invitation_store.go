package storagetest

import (
	"context"
	"fmt"
	"maps"
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

// testInvitationStore checks each sentence of invite.Store's invitation
// and send contracts on the raw store.
func testInvitationStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("InvitationReturnsWhatWasStored", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w1, w2 := rawWorkspace(t, ctx, st, o.ID, "w1"), rawWorkspace(t, ctx, st, o.ID, "w2")
		inv := rawInvitation(o.ID, "Ann.Lee+x@Example.com")
		inv.Name = "Ann \"the boss\" Lee, Jr. 🎬"
		inv.Kind = membership.KindGuest
		inv.Role = roles.OrgGuest
		inv.Workspaces = map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer}
		inv.Grants = roles.Grants(roles.PermBilling, roles.PermAPIAccess)
		inv.SealedToken = []byte{0, 1, 2, 255, 254}
		inv.KeyID = "2031-03"
		inv.Sends = 3
		is.NoErr(ist.InsertInvitation(ctx, inv))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		got, err = ist.InvitationByTokenHash(ctx, inv.TokenHash)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		got, err = ist.PendingInvitation(ctx, o.ID, inv.EmailKey)
		is.NoErr(err)
		sameInvitation(t, got, inv)
	})

	t.Run("InvitationDataIsStoredAsGivenAndEmptyReadsAsNil", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.Data = hostData()
		is.NoErr(ist.InsertInvitation(ctx, inv))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, inv)
		is.Equal(got.Data, inv.Data)
		got, err = ist.InvitationByTokenHash(ctx, inv.TokenHash)
		is.NoErr(err)
		is.Equal(got.Data, inv.Data)
		list := allInvitations(t, ctx, ist, o.ID, invite.InvitationFilter{})
		is.Equal(len(list), 1)
		is.Equal(list[0].Data, inv.Data)
		// UpdateInvitation replaces it; an empty map reads back as nil.
		inv.Data = map[string]string{"folder": "42"}
		is.NoErr(ist.UpdateInvitation(ctx, inv))
		got, err = ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.Equal(got.Data, map[string]string{"folder": "42"})
		inv.Data = map[string]string{}
		is.NoErr(ist.UpdateInvitation(ctx, inv))
		got, err = ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.True(got.Data == nil)
		none := rawInvitation(o.ID, "bob@example.com")
		none.Data = map[string]string{}
		is.NoErr(ist.InsertInvitation(ctx, none))
		got, err = ist.Invitation(ctx, o.ID, none.ID)
		is.NoErr(err)
		is.True(got.Data == nil)
	})

	t.Run("StoreKeepsNoReferenceToWhatItIsGivenOrReturns", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}
		want := inv
		want.TokenHash = slices.Clone(inv.TokenHash)
		want.Workspaces = maps.Clone(inv.Workspaces)
		is.NoErr(ist.InsertInvitation(ctx, inv))
		inv.TokenHash[0] ^= 0xff
		inv.Workspaces[w.ID] = roles.WorkspaceAdmin
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, got, want)
		got.TokenHash[1] ^= 0xff
		got.Workspaces[w.ID] = roles.WorkspaceAdmin
		again, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		sameInvitation(t, again, want)
	})

	t.Run("InsertInvitationRejectsATakenIDOrTokenHash", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		dupID := rawInvitation(o.ID, "bob@example.com")
		dupID.ID = inv.ID
		wantErr(t, ist.InsertInvitation(ctx, dupID), storage.ErrConflict)
		dupHash := rawInvitation(other.ID, "carl@example.com")
		dupHash.TokenHash = slices.Clone(inv.TokenHash)
		wantErr(t, ist.InsertInvitation(ctx, dupHash), storage.ErrConflict) // token hashes are unique across organizations
		_, err := ist.Invitation(ctx, other.ID, dupHash.ID)
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("InsertInvitationOfAnUnknownOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		wantErr(t, ist.InsertInvitation(ctx, rawInvitation(newID(), "ann@example.com")), storage.ErrNotFound)
	})

	t.Run("OnePendingInvitationPerOrganizationAndEmailKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		first := rawInvitation(o.ID, "ann@example.com")
		first.ExpiresAt = start.Add(-time.Hour) // expired, but stored as pending
		is.NoErr(ist.InsertInvitation(ctx, first))
		wantErr(t, ist.InsertInvitation(ctx, rawInvitation(o.ID, "ann@example.com")), storage.ErrConflict)
		is.NoErr(ist.InsertInvitation(ctx, rawInvitation(other.ID, "ann@example.com"))) // another organization
		is.NoErr(ist.InsertInvitation(ctx, rawInvitation(o.ID, "bob@example.com")))     // another address
		done := rawInvitation(o.ID, "ann@example.com")
		done.Status = invite.StatusAccepted
		is.NoErr(ist.InsertInvitation(ctx, done)) // only pending ones are unique
		revoked := rawInvitation(o.ID, "ann@example.com")
		revoked.Status = invite.StatusRevoked
		is.NoErr(ist.InsertInvitation(ctx, revoked))

		// Once the pending one is answered, the address may be invited again.
		first.Status, first.DecidedAt = invite.StatusRejected, start
		is.NoErr(ist.UpdateInvitation(ctx, first))
		_, err := ist.PendingInvitation(ctx, o.ID, "ann@example.com")
		wantErr(t, err, storage.ErrNotFound)
		again := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, again))
		got, err := ist.PendingInvitation(ctx, o.ID, "ann@example.com")
		is.NoErr(err)
		is.Equal(got.ID, again.ID)

		// Making an old one pending again while another is pending conflicts.
		first.Status = invite.StatusPending
		wantErr(t, ist.UpdateInvitation(ctx, first), storage.ErrConflict)
		got, err = ist.Invitation(ctx, o.ID, first.ID)
		is.NoErr(err)
		is.Equal(got.Status, invite.StatusRejected) // a failed update changes nothing
	})

	t.Run("InvitationsAreScopedToTheirOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		_, err := ist.Invitation(ctx, other.ID, inv.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.PendingInvitation(ctx, other.ID, inv.EmailKey)
		wantErr(t, err, storage.ErrNotFound)
		moved := inv
		moved.OrgID = other.ID
		moved.Status = invite.StatusRevoked
		wantErr(t, ist.UpdateInvitation(ctx, moved), storage.ErrNotFound)
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		is.Equal(got.Status, invite.StatusPending)
		list := allInvitations(t, ctx, ist, other.ID, invite.InvitationFilter{})
		is.Equal(len(list), 0)
		n, err := ist.CountInvitations(ctx, other.ID, invite.InvitationFilter{})
		is.NoErr(err)
		is.Equal(n, 0)
		_, err = ist.Invitation(ctx, o.ID, newID())
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("InvitationByTokenHashFindsOnlyThatHash", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		is.NoErr(ist.InsertInvitation(ctx, inv))
		for _, h := range [][]byte{randomHash(), inv.TokenHash[:31], append(slices.Clone(inv.TokenHash), 0), nil, {}} {
			_, err := ist.InvitationByTokenHash(ctx, h)
			wantErr(t, err, storage.ErrNotFound)
		}
		flipped := slices.Clone(inv.TokenHash)
		flipped[31] ^= 1
		_, err := ist.InvitationByTokenHash(ctx, flipped)
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("UpdateInvitationReplacesTheMutableFields", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		inv := rawInvitation(o.ID, "ann@example.com")
		inv.SealedToken, inv.KeyID = []byte("sealed"), "k1"
		is.NoErr(ist.InsertInvitation(ctx, inv))
		oldHash := inv.TokenHash
		up := inv
		up.Email, up.EmailKey, up.CreatedAt = "changed@example.com", "changed@example.com", start.Add(time.Hour) // not replaced
		up.Name, up.Role, up.Kind = "New", roles.OrgAdmin, membership.KindGuest
		up.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}
		up.Grants = roles.Grants(roles.PermBilling)
		up.InvitedBy = "admin"
		up.TokenHash, up.SealedToken, up.KeyID = randomHash(), nil, ""
		up.ExpiresAt, up.SentAt, up.Sends = start.Add(48*time.Hour), start.Add(time.Hour), 2
		up.Status, up.AcceptedBy, up.DecidedAt = invite.StatusAccepted, "ann", start.Add(2*time.Hour)
		up.UpdatedAt = start.Add(2 * time.Hour)
		is.NoErr(ist.UpdateInvitation(ctx, up))
		got, err := ist.Invitation(ctx, o.ID, inv.ID)
		is.NoErr(err)
		want := up
		want.Email, want.EmailKey, want.CreatedAt = inv.Email, inv.EmailKey, inv.CreatedAt
		sameInvitation(t, got, want)
		_, err = ist.InvitationByTokenHash(ctx, oldHash)
		wantErr(t, err, storage.ErrNotFound) // the old token hash no longer finds it
		got, err = ist.InvitationByTokenHash(ctx, up.TokenHash)
		is.NoErr(err)
		is.Equal(got.ID, inv.ID)
		_, err = ist.PendingInvitation(ctx, o.ID, inv.EmailKey)
		wantErr(t, err, storage.ErrNotFound) // no longer pending

		// Another invitation's token hash is a conflict.
		b := rawInvitation(o.ID, "bob@example.com")
		is.NoErr(ist.InsertInvitation(ctx, b))
		b.TokenHash = up.TokenHash
		wantErr(t, ist.UpdateInvitation(ctx, b), storage.ErrConflict)
		// An unknown invitation is not found.
		wantErr(t, ist.UpdateInvitation(ctx, rawInvitation(o.ID, "x@example.com")), storage.ErrNotFound)
	})

	t.Run("InvitationsFilterByStatusAtNowAndPageByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		now := start.Add(24 * time.Hour)
		byStatus := map[invite.Status][]uuid.UUID{}
		add := func(addr string, status invite.Status, expires time.Time, want invite.Status) {
			inv := rawInvitation(o.ID, addr)
			inv.Status, inv.ExpiresAt = status, expires
			is.NoErr(ist.InsertInvitation(ctx, inv))
			byStatus[want] = append(byStatus[want], inv.ID)
		}
		for i := range 3 {
			add(fmt.Sprintf("p%d@example.com", i), invite.StatusPending, now.Add(time.Second), invite.StatusPending)
		}
		add("e0@example.com", invite.StatusPending, now, invite.StatusExpired) // expiring exactly now is expired
		add("e1@example.com", invite.StatusPending, now.Add(-time.Hour), invite.StatusExpired)
		add("e2@example.com", invite.StatusExpired, now.Add(time.Hour), invite.StatusExpired)
		add("a0@example.com", invite.StatusAccepted, now.Add(-time.Hour), invite.StatusAccepted)
		add("r0@example.com", invite.StatusRejected, now.Add(time.Hour), invite.StatusRejected)
		add("v0@example.com", invite.StatusRevoked, now.Add(time.Hour), invite.StatusRevoked)
		add("v1@example.com", invite.StatusRevoked, now.Add(-time.Hour), invite.StatusRevoked)

		ids := func(list []invite.Invitation) []uuid.UUID {
			var out []uuid.UUID
			for _, inv := range list {
				out = append(out, inv.ID)
			}
			return out
		}
		for status, want := range byStatus {
			sortIDs(want)
			f := invite.InvitationFilter{Statuses: []invite.Status{status}, Now: now}
			is.Equal(ids(allInvitations(t, ctx, ist, o.ID, f)), want) // listed by status at now
			n, err := ist.CountInvitations(ctx, o.ID, f)
			is.NoErr(err)
			is.Equal(n, len(want)) // counted by status at now
		}
		past := invite.InvitationFilter{Statuses: invite.Past(), Now: now}
		n, err := ist.CountInvitations(ctx, o.ID, past)
		is.NoErr(err)
		is.Equal(n, 7)
		n, err = ist.CountInvitations(ctx, o.ID, invite.InvitationFilter{})
		is.NoErr(err)
		is.Equal(n, 10)
		byKey := invite.InvitationFilter{EmailKey: "e1@example.com"}
		is.Equal(ids(allInvitations(t, ctx, ist, o.ID, byKey)), byStatus[invite.StatusExpired][1:2])

		// Pages of two, in ID order, with no gap or repeat.
		var all []uuid.UUID
		for _, l := range byStatus {
			all = append(all, l...)
		}
		sortIDs(all)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			list, next, err := ist.Invitations(ctx, o.ID, invite.InvitationFilter{}, page)
			is.NoErr(err)
			is.True(len(list) <= 2)
			got = append(got, ids(list)...)
			if next == "" {
				break
			}
			page.After = next
		}
		is.Equal(got, all)
		_, _, err = ist.Invitations(ctx, o.ID, invite.InvitationFilter{}, storage.Page{After: "not a cursor!"})
		wantErr(t, err, storage.ErrInvalidCursor)
	})

	t.Run("SendsAreSummedSinceATimePerOrganizationAndInviter", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		send := func(org uuid.UUID, by string, n int, at time.Time) {
			is.NoErr(ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: org, InvitedBy: by, Count: n, At: at}))
		}
		send(o.ID, "ann", 3, start)
		send(o.ID, "ann", 2, start.Add(time.Hour))
		send(o.ID, "bob", 4, start.Add(2*time.Hour))
		send(other.ID, "ann", 100, start.Add(time.Hour))
		count := func(org uuid.UUID, by string, since time.Time) int {
			n, err := ist.CountSends(ctx, org, by, since)
			is.NoErr(err)
			return n
		}
		is.Equal(count(o.ID, "", start), 9)
		is.Equal(count(o.ID, "ann", start), 5)
		is.Equal(count(o.ID, "ann", start.Add(time.Hour)), 2) // At not before since counts
		is.Equal(count(o.ID, "ann", start.Add(time.Hour+1)), 0)
		is.Equal(count(o.ID, "bob", start), 4)
		is.Equal(count(o.ID, "carl", start), 0)
		is.Equal(count(other.ID, "", start), 100)

		is.NoErr(ist.DeleteSends(ctx, o.ID, start.Add(time.Hour))) // deletes those before
		is.Equal(count(o.ID, "", time.Time{}), 6)
		is.Equal(count(other.ID, "", time.Time{}), 100) // other organizations keep theirs

		wantErr(t, ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: newID(), InvitedBy: "x", Count: 1, At: start}), storage.ErrNotFound)
		dup := invite.Send{ID: newID(), OrgID: o.ID, InvitedBy: "x", Count: 1, At: start}
		is.NoErr(ist.InsertSend(ctx, dup))
		wantErr(t, ist.InsertSend(ctx, dup), storage.ErrConflict)
	})

	t.Run("DeleteOrganizationDeletesItsInvitationsLinksAndSends", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		var invs []invite.Invitation
		var links []invite.Link
		for _, org := range []uuid.UUID{o.ID, other.ID} {
			inv := rawInvitation(org, "ann@example.com")
			is.NoErr(ist.InsertInvitation(ctx, inv))
			invs = append(invs, inv)
			l := rawLink(org)
			is.NoErr(ist.InsertLink(ctx, l))
			links = append(links, l)
			is.NoErr(ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: org, InvitedBy: "ann", Count: 1, At: start}))
		}
		is.NoErr(st.DeleteOrganization(ctx, o.ID))
		_, err := ist.InvitationByTokenHash(ctx, invs[0].TokenHash)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.LinkByTokenHash(ctx, links[0].TokenHash)
		wantErr(t, err, storage.ErrNotFound)
		n, err := ist.CountSends(ctx, o.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 0) // sends are gone
		// The other organization keeps everything.
		_, err = ist.InvitationByTokenHash(ctx, invs[1].TokenHash)
		is.NoErr(err)
		_, err = ist.LinkByTokenHash(ctx, links[1].TokenHash)
		is.NoErr(err)
		n, err = ist.CountSends(ctx, other.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 1)
		// The same token hashes may be used again.
		o2 := rawOrg(t, ctx, st)
		again := rawInvitation(o2.ID, "ann@example.com")
		again.TokenHash = invs[0].TokenHash
		is.NoErr(ist.InsertInvitation(ctx, again))
		againLink := rawLink(o2.ID)
		againLink.TokenHash = links[0].TokenHash
		is.NoErr(ist.InsertLink(ctx, againLink))
	})

	t.Run("WritesInATransactionRollBack", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		inv := rawInvitation(o.ID, "ann@example.com")
		l := rawLink(o.ID)
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := ist.InsertInvitation(ctx, inv); err != nil {
				return err
			}
			if err := ist.InsertLink(ctx, l); err != nil {
				return err
			}
			if err := ist.InsertSend(ctx, invite.Send{ID: newID(), OrgID: o.ID, InvitedBy: "x", Count: 5, At: start}); err != nil {
				return err
			}
			if _, err := ist.Invitation(ctx, o.ID, inv.ID); err != nil {
				return fmt.Errorf("own write not visible in the transaction: %w", err)
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		_, err = ist.Invitation(ctx, o.ID, inv.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = ist.Link(ctx, o.ID, l.ID)
		wantErr(t, err, storage.ErrNotFound)
		n, err := ist.CountSends(ctx, o.ID, "", time.Time{})
		is.NoErr(err)
		is.Equal(n, 0)
		is.NoErr(ist.InsertInvitation(ctx, inv)) // nothing is left to conflict with
	})
}
