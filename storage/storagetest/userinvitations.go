package storagetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testUserInvitations covers a user's pending invitations across
// organizations (invite.Store.PendingInvitationsByEmail and the Service's
// UserInvitations, AcceptByID and RejectByID).
func testUserInvitations(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AUserSeesOnlyTheirLivePendingInvitationsOfEveryOrganization", func(t *testing.T) {
		t.Parallel()
		a := newInviteFixture(t, newStore)
		st := a.st
		b := newInviteFixture(t, newStore, ivOn(st))
		short := newInviteFixture(t, newStore, ivOn(st), ivOpts(func(o *invite.Options) { o.TTL = time.Hour }))
		gone := newInviteFixture(t, newStore, ivOn(st))
		lost := newInviteFixture(t, newStore, ivOn(st))
		user := uniq("carol")
		addr := email(user)

		design := a.workspace(t, "Design")
		inA, _ := a.inviteOne(t, addr, roles.OrgMember, ws{design.ID, roles.WorkspaceContributor})
		inB, _ := b.inviteOne(t, addr, roles.OrgMember)
		a.inviteOne(t, email(uniq("someone")), roles.OrgMember)             // another address
		decided, tok := b.inviteOne(t, email(uniq("dan")), roles.OrgMember) // decided below
		if err := b.iv.Reject(b.ctx, tok, verified("dan", decided.Email)); err != nil {
			t.Fatalf("Reject: %v", err)
		}
		short.inviteOne(t, addr, roles.OrgMember) // expires after an hour
		gone.inviteOne(t, addr, roles.OrgMember)  // its organization is deleted
		if err := gone.svc.DeleteOrganization(gone.ctx, gone.owner, gone.org.ID); err != nil {
			t.Fatalf("DeleteOrganization: %v", err)
		}
		lost.add(t, "ivy", roles.OrgAdmin)
		lost.inviteAs(t, "ivy", addr, roles.OrgMember) // revoked with its inviter
		if err := lost.svc.RemoveMember(lost.ctx, lost.owner, lost.org.ID, "ivy"); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		revoked, _ := b.inviteOne(t, email(user+"x"), roles.OrgMember)
		if err := b.iv.Revoke(b.ctx, b.owner, b.org.ID, revoked.ID); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		a.clk.Advance(2 * time.Hour)

		// The canonical key finds the invitations whatever the case of the
		// address the host passes.
		got := userInvitations(t, a, verified(user, strings.ToUpper(user)+"@EXAMPLE.COM"))
		want := []uuid.UUID{inA.ID, inB.ID}
		slices.SortFunc(want, func(x, y uuid.UUID) int { return strings.Compare(x.String(), y.String()) })
		if ids := invitationIDs(got); !slices.Equal(ids, want) {
			t.Fatalf("UserInvitations = %v, want %v (the live pending invitations of A and B)", ids, want)
		}
		for _, ui := range got {
			org := map[uuid.UUID]membership.Organization{a.org.ID: a.org, b.org.ID: b.org}[ui.OrgID]
			if ui.OrgName != org.Name || ui.OrgSlug != org.Slug || ui.InviterName != "The Owner" {
				t.Errorf("invitation of %s: org %q %q, inviter %q; want %q %q, %q", ui.OrgID, ui.OrgName, ui.OrgSlug, ui.InviterName, org.Name, org.Slug, "The Owner")
			}
			if ui.TokenHash != nil || ui.SealedToken != nil {
				t.Errorf("invitation %s carries token material", ui.ID)
			}
		}
		if i := slices.IndexFunc(got, func(ui invite.UserInvitation) bool { return ui.ID == inA.ID }); len(got[i].Workspaces) != 1 ||
			got[i].Workspaces[0] != (invite.WorkspaceRole{ID: design.ID, Name: "Design", Role: roles.WorkspaceContributor}) {
			t.Errorf("A's invitation shows workspaces %+v, want Design as contributor", got[i].Workspaces)
		}
	})

	t.Run("AnUnverifiedOrInvalidEmailListsNothing", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		user := uniq("carol")
		f.inviteOne(t, email(user), roles.OrgMember)
		_, _, err := f.iv.UserInvitations(f.ctx, invite.Invitee{UserID: user, Email: email(user)}, storage.Page{})
		wantErr(t, err, invite.ErrEmailNotVerified)
		_, _, err = f.iv.UserInvitations(f.ctx, verified(user, "not an address"), storage.Page{})
		wantErr(t, err, invite.ErrEmailMismatch)
		_, _, err = f.iv.UserInvitations(f.ctx, verified(user, email(user)), storage.Page{Limit: -1})
		wantErr(t, err, storage.ErrInvalidCursor)
		_, _, err = f.iv.UserInvitations(f.ctx, verified(user, email(user)), storage.Page{After: "%%"})
		wantErr(t, err, storage.ErrInvalidCursor)
	})

	t.Run("PagesOfAUsersInvitationsWalkEachOnceInIDOrder", func(t *testing.T) {
		t.Parallel()
		first := newInviteFixture(t, newStore)
		user := uniq("carol")
		var want []uuid.UUID
		for i := range 5 {
			f := first
			if i > 0 {
				f = newInviteFixture(t, newStore, ivOn(first.st))
			}
			inv, _ := f.inviteOne(t, email(user), roles.OrgMember)
			want = append(want, inv.ID)
		}
		slices.SortFunc(want, func(x, y uuid.UUID) int { return strings.Compare(x.String(), y.String()) })
		var ids []uuid.UUID
		page := storage.Page{Limit: 2}
		for pages := 1; ; pages++ {
			got, next, err := first.iv.UserInvitations(first.ctx, verified(user, email(user)), page)
			if err != nil {
				t.Fatalf("UserInvitations page %d: %v", pages, err)
			}
			if len(got) > 2 {
				t.Fatalf("page %d holds %d invitations, limit 2", pages, len(got))
			}
			ids = append(ids, invitationIDs(got)...)
			if !advance(t, &page, next) {
				break
			}
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("pages gave %v, want %v", ids, want)
		}
		if all := userInvitations(t, first, verified(user, email(user))); !slices.Equal(invitationIDs(all), want) {
			t.Fatalf("AllUserInvitations gave %v, want %v", invitationIDs(all), want)
		}
	})

	t.Run("AcceptByIDAdmitsTheVerifiedInviteeOnce", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		design := f.workspace(t, "Design")
		user := uniq("carol")
		inv, _ := f.inviteOne(t, email(user), roles.OrgMember, ws{design.ID, roles.WorkspaceContributor})
		before := f.snap(t)
		_, err := f.iv.AcceptByID(f.ctx, f.org.ID, inv.ID, verified("mallory", email("mallory")))
		wantErr(t, err, invite.ErrEmailMismatch)
		_, err = f.iv.AcceptByID(f.ctx, f.org.ID, inv.ID, invite.Invitee{UserID: user, Email: email(user)})
		wantErr(t, err, invite.ErrEmailNotVerified)
		other := newInviteFixture(t, newStore, ivOn(f.st))
		_, err = f.iv.AcceptByID(f.ctx, other.org.ID, inv.ID, verified(user, email(user)))
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.iv.AcceptByID(f.ctx, f.org.ID, uuid.Nil, verified(user, email(user)))
		wantErr(t, err, membership.ErrInvalidInput)
		f.unchanged(t, before)

		a, err := f.iv.AcceptByID(f.ctx, f.org.ID, inv.ID, verified(user, email(user)))
		if err != nil {
			t.Fatalf("AcceptByID: %v", err)
		}
		if a.Member.UserID != user || a.Member.Role != roles.OrgMember || a.InvitationID != inv.ID {
			t.Fatalf("AcceptByID = %+v", a)
		}
		if !f.can(t, user, design.ID, roles.PermUploadVideo) {
			t.Fatal("the accepted invitation did not give its workspace role")
		}
		if got := f.stored(t, inv.ID); got.Status != invite.StatusAccepted || got.AcceptedBy != user {
			t.Fatalf("invitation after AcceptByID: %s by %q", got.Status, got.AcceptedBy)
		}
		_, err = f.iv.AcceptByID(f.ctx, f.org.ID, inv.ID, verified(user, email(user)))
		wantErr(t, err, invite.ErrAlreadyUsed)
		if got := userInvitations(t, f, verified(user, email(user))); len(got) != 0 {
			t.Fatalf("after accepting, the user still sees %v", invitationIDs(got))
		}
	})

	t.Run("RejectByIDDeclinesForTheVerifiedInviteeOnly", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		user := uniq("carol")
		inv, _ := f.inviteOne(t, email(user), roles.OrgMember)
		err := f.iv.RejectByID(f.ctx, f.org.ID, inv.ID, verified("mallory", email("mallory")))
		wantErr(t, err, invite.ErrEmailMismatch)
		if got := f.stored(t, inv.ID); got.Status != invite.StatusPending {
			t.Fatalf("a refused decline changed the invitation to %s", got.Status)
		}
		if err := f.iv.RejectByID(f.ctx, f.org.ID, inv.ID, verified(user, email(user))); err != nil {
			t.Fatalf("RejectByID: %v", err)
		}
		if got := f.stored(t, inv.ID); got.Status != invite.StatusRejected {
			t.Fatalf("invitation after RejectByID: %s", got.Status)
		}
		if f.isMember(t, user) {
			t.Fatal("declining made the user a member")
		}
		err = f.iv.RejectByID(f.ctx, f.org.ID, inv.ID, verified(user, email(user)))
		wantErr(t, err, invite.ErrRejected)
		if got := userInvitations(t, f, verified(user, email(user))); len(got) != 0 {
			t.Fatalf("after declining, the user still sees %v", invitationIDs(got))
		}
	})
}

// userInvitations collects every invitation AllUserInvitations yields.
func userInvitations(t *testing.T, f *ivFixture, in invite.Invitee) []invite.UserInvitation {
	t.Helper()
	var out []invite.UserInvitation
	for ui, err := range f.iv.AllUserInvitations(f.ctx, in) {
		if err != nil {
			t.Fatalf("AllUserInvitations: %v", err)
		}
		out = append(out, ui)
	}
	return out
}

func invitationIDs(uis []invite.UserInvitation) []uuid.UUID {
	ids := make([]uuid.UUID, len(uis))
	for i, ui := range uis {
		ids[i] = ui.ID
	}
	return ids
}
