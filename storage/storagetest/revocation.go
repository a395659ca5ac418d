package storagetest

import (
	"testing"

	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testRevocation checks that a member who loses the right to invite
// (removed, gone, deactivated, demoted) takes along, in the same
// transaction, the pending invitations and links it sent: each is revoked
// and audited, its token stops working and its seat is free.
func testRevocation(t *testing.T, newStore func(t *testing.T) Store) {
	// sent is what one inviter sent: two invitations and a link, next to
	// the owner's own invitation, which must survive.
	type sent struct {
		f               *ivFixture
		annTok, bobTok  string
		link            invite.Link
		linkTok, ownTok string
		own             invite.Invitation
		audited         []membership.AuditEvent
		inviter         string
	}
	setup := func(t *testing.T, settings membership.Settings, inviter string, role roles.Role, grants roles.PermSet) *sent {
		t.Helper()
		f := newInviteFixture(t, newStore, ivSettings(settings))
		f.add(t, inviter, role)
		if grants != 0 {
			if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, inviter, grants); err != nil {
				t.Fatalf("SetGrants: %v", err)
			}
		}
		s := &sent{f: f, inviter: inviter}
		_, s.annTok = f.inviteAs(t, inviter, "ann@example.com", roles.OrgMember)
		_, s.bobTok = f.inviteAs(t, inviter, "bob@example.com", roles.OrgMember)
		l, tok, err := f.iv.CreateLink(f.ctx, inviter, f.org.ID, invite.NewLink{})
		if err != nil {
			t.Fatalf("CreateLink: %v", err)
		}
		s.link, s.linkTok = l, tok
		s.own, s.ownTok = f.inviteOne(t, "own@example.com", roles.OrgMember)
		s.audited = f.audit(t)
		return s
	}
	// revoked checks that everything s.inviter sent is revoked, audited
	// once each with actor, unusable, and that the owner's invitation is
	// untouched.
	revoked := func(t *testing.T, s *sent, actor, reason string) {
		t.Helper()
		is := is.New(t)
		f := s.f
		pending := f.invitations(t, invite.StatusPending)
		is.Equal(len(pending), 1) // the owner's
		is.Equal(pending[0].ID, s.own.ID)
		is.Equal(len(f.invitations(t, invite.StatusRevoked)), 2)
		for _, inv := range f.invitations(t, invite.StatusRevoked) {
			is.Equal(inv.InvitedBy, s.inviter)
			is.True(inv.DecidedAt.Equal(f.clk.Now()))
			is.Equal(len(inv.SealedToken), 0)
		}
		l := f.storedLink(t, s.link.ID)
		is.True(l.Revoked)
		is.True(l.RevokedAt.Equal(f.clk.Now()))
		var invRevs, linkRevs int
		for _, e := range newEvents(s.audited, f.audit(t)) {
			switch e.Action {
			case invite.EventInvitationRevoked:
				invRevs++
				is.Equal(e.Actor, actor)
				is.Equal(e.After["reason"], reason)
				is.Equal(e.After["invited_by"], s.inviter)
			case invite.EventLinkRevoked:
				linkRevs++
				is.Equal(e.Actor, actor)
				is.Equal(e.Target, s.link.ID.String())
				is.Equal(e.After["reason"], reason)
			}
		}
		is.Equal(invRevs, 2)  // one audit event per invitation
		is.Equal(linkRevs, 1) // and per link
		_, err := f.iv.Accept(f.ctx, s.annTok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRevoked)
		_, err = f.iv.Join(f.ctx, s.linkTok, verified("cat", "cat@example.com"))
		wantErr(t, err, invite.ErrRevoked)
		is.True(!f.isMember(t, "ann"))
		is.True(!f.isMember(t, "cat"))
		_, err = f.iv.Accept(f.ctx, s.ownTok, verified("own", "own@example.com"))
		is.NoErr(err) // not the inviter's: untouched
	}

	t.Run("RemovingAMemberRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Seats: owner, adm, ann, bob, own = 5 of 5.
		s := setup(t, membership.Settings{Seats: 5}, "adm", roles.OrgAdmin, 0)
		f := s.f
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "adm"))
		revoked(t, s, f.owner, membership.EventMemberRemoved)
		// adm's seat and its invitations' seats are free: owner + own = 2.
		for _, u := range []string{"u1", "u2", "u3"} {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u)})
			is.NoErr(err)
		}
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "u4", Email: email("u4")})
		wantErr(t, err, membership.ErrSeatLimit)
	})

	t.Run("RemovingSeveralMembersRevokesWhatEachSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{}, "adm", roles.OrgAdmin, 0)
		f := s.f
		f.add(t, "adm2", roles.OrgAdmin)
		f.inviteAs(t, "adm2", "dan@example.com", roles.OrgMember)
		is.NoErr(f.svc.RemoveMembers(f.ctx, f.owner, f.org.ID, []string{"adm", "adm2"}))
		is.Equal(len(f.invitations(t, invite.StatusRevoked)), 3)
		is.Equal(len(f.invitations(t, invite.StatusPending)), 1) // the owner's
		is.True(f.storedLink(t, s.link.ID).Revoked)
	})

	t.Run("LeavingRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		s := setup(t, membership.Settings{}, "adm", roles.OrgAdmin, 0)
		is.New(t).NoErr(s.f.svc.Leave(s.f.ctx, "adm", s.f.org.ID))
		revoked(t, s, "adm", membership.EventMemberLeft)
	})

	t.Run("DeactivatingRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{MembersMayInvite: true}, "mem", roles.OrgMember, 0)
		_, err := s.f.svc.Deactivate(s.f.ctx, s.f.owner, s.f.org.ID, "mem")
		is.NoErr(err)
		revoked(t, s, s.f.owner, membership.EventMemberDeactivated)
		_, err = s.f.svc.Reactivate(s.f.ctx, s.f.owner, s.f.org.ID, "mem")
		is.NoErr(err)
		is.Equal(len(s.f.invitations(t, invite.StatusRevoked)), 2) // reactivating revives nothing
	})

	t.Run("DemotionBelowTheRightToInviteRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{}, "adm", roles.OrgAdmin, 0)
		_, err := s.f.svc.ChangeRole(s.f.ctx, s.f.owner, s.f.org.ID, "adm", roles.OrgMember)
		is.NoErr(err)
		revoked(t, s, s.f.owner, membership.EventRoleChanged)
	})

	t.Run("DemotionInABatchRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{}, "adm", roles.OrgAdmin, 0)
		_, err := s.f.svc.ChangeRoles(s.f.ctx, s.f.owner, s.f.org.ID, []membership.RoleChange{{UserID: "adm", Role: roles.OrgMember}})
		is.NoErr(err)
		revoked(t, s, s.f.owner, membership.EventRoleChanged)
	})

	t.Run("TakingTheInviteGrantRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{}, "mem", roles.OrgMember, roles.Grants(roles.PermInvite))
		_, err := s.f.svc.SetGrants(s.f.ctx, s.f.owner, s.f.org.ID, "mem", 0)
		is.NoErr(err)
		revoked(t, s, s.f.owner, membership.EventGrantsChanged)
	})

	t.Run("ReclassifyingAMemberAsAGuestRevokesTheInvitationsAndLinksItSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Members may invite, but guests never do.
		s := setup(t, membership.Settings{MembersMayInvite: true}, "mem", roles.OrgMember, 0)
		_, err := s.f.svc.SetKind(s.f.ctx, s.f.owner, s.f.org.ID, "mem", membership.KindGuest)
		is.NoErr(err)
		revoked(t, s, s.f.owner, membership.EventKindChanged)
	})

	t.Run("DemotionThatKeepsTheRightToInviteRevokesNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Members may invite: an admin demoted to member still invites.
		s := setup(t, membership.Settings{MembersMayInvite: true}, "adm", roles.OrgAdmin, 0)
		before := len(s.f.invitations(t, invite.StatusPending))
		_, err := s.f.svc.ChangeRole(s.f.ctx, s.f.owner, s.f.org.ID, "adm", roles.OrgMember)
		is.NoErr(err)
		is.Equal(len(s.f.invitations(t, invite.StatusPending)), before)
		is.True(!s.f.storedLink(t, s.link.ID).Revoked)
		_, err = s.f.iv.Accept(s.f.ctx, s.annTok, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("TurningMembersMayInviteOffRevokesWhatMembersSent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		s := setup(t, membership.Settings{MembersMayInvite: true}, "mem", roles.OrgMember, 0)
		f := s.f
		f.add(t, "adm", roles.OrgAdmin)
		_, admTok := f.inviteAs(t, "adm", "dan@example.com", roles.OrgMember)
		s.audited = f.audit(t)
		set := f.org.Settings
		set.MembersMayInvite = false
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &set})
		is.NoErr(err)
		is.Equal(len(f.invitations(t, invite.StatusPending)), 2) // the owner's and the admin's
		_, err = f.iv.Accept(f.ctx, admTok, verified("dan", "dan@example.com"))
		is.NoErr(err) // an admin invites by role: untouched
		revoked(t, s, f.owner, membership.EventOrganizationUpdated)
	})

	t.Run("ARefusedRemovalRevokesNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		before := f.ivSnap(t)
		err := f.svc.Leave(f.ctx, f.owner, f.org.ID)
		wantErr(t, err, membership.ErrLastOwner)
		f.ivUnchanged(t, before)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})
}
