package storagetest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testInvitationAuthority checks who may invite, and that nobody gives
// more than they hold, on every path, also at accept time.
func testInvitationAuthority(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("OnlyHoldersOfTheInvitePermissionInvite", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name     string
			settings membership.Settings
			setup    func(t *testing.T, f *ivFixture) string
			allowed  bool
		}{
			{"owner", membership.Settings{}, func(t *testing.T, f *ivFixture) string { return f.owner }, true},
			{"admin", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "adm", roles.OrgAdmin); return "adm" }, true},
			{"member", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "mem", roles.OrgMember); return "mem" }, false},
			{"member when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { f.add(t, "mem", roles.OrgMember); return "mem" }, true},
			{"member with the invite grant", membership.Settings{}, func(t *testing.T, f *ivFixture) string {
				f.add(t, "mem", roles.OrgMember)
				if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "mem", roles.Grants(roles.PermInvite)); err != nil {
					t.Fatal(err)
				}
				return "mem"
			}, true},
			{"guest", membership.Settings{}, func(t *testing.T, f *ivFixture) string { f.add(t, "gst", roles.OrgGuest); return "gst" }, false},
			{"guest when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { f.add(t, "gst", roles.OrgGuest); return "gst" }, false},
			{"deactivated admin", membership.Settings{}, func(t *testing.T, f *ivFixture) string {
				f.add(t, "adm", roles.OrgAdmin)
				if _, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "adm"); err != nil {
					t.Fatal(err)
				}
				return "adm"
			}, false},
			{"stranger", membership.Settings{}, func(t *testing.T, f *ivFixture) string { return "stranger" }, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				f := newInviteFixture(t, newStore, ivSettings(tc.settings))
				actor := tc.setup(t, f)
				before := f.ivSnap(t)
				_, err := f.iv.Invite(f.ctx, actor, f.org.ID, invite.Request{Emails: "new@example.com", Role: roles.OrgMember})
				_, _, lerr := f.iv.CreateLink(f.ctx, actor, f.org.ID, invite.NewLink{Role: roles.OrgMember})
				if tc.allowed {
					is.NoErr(err)
					is.NoErr(lerr)
					return
				}
				wantErr(t, err, invite.ErrForbidden)
				wantErr(t, lerr, invite.ErrForbidden)
				f.ivUnchanged(t, before)
				is.Equal(len(f.denied(t, invite.EventInvitationCreated)), 1) // the refusal is audited
				is.Equal(len(f.denied(t, invite.EventLinkCreated)), 1)
			})
		}
	})

	t.Run("NobodyInvitesAboveTheirOwnAuthority", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		other := newInviteFixture(t, newStore, ivOn(f.st))
		w, foreign := f.workspace(t, "W"), other.workspace(t, "Foreign")
		w2 := f.workspace(t, "W2")
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "inviter", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer}, ws{w2.ID, roles.WorkspaceAdmin})
		if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "inviter", roles.Grants(roles.PermInvite)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			actor string
			req   invite.Request
			want  error // nil: allowed
		}{
			{"owner invites an owner", f.owner, invite.Request{Role: roles.OrgOwner}, nil},
			{"admin invites an admin", "adm", invite.Request{Role: roles.OrgAdmin}, nil},
			{"admin invites an owner", "adm", invite.Request{Role: roles.OrgOwner}, invite.ErrForbidden},
			{"admin gives billing it lacks", "adm", invite.Request{Grants: roles.Grants(roles.PermBilling)}, invite.ErrForbidden},
			{"admin gives the API grant it holds", "adm", invite.Request{Grants: roles.Grants(roles.PermAPIAccess)}, nil},
			{"member inviter invites an admin", "inviter", invite.Request{Role: roles.OrgAdmin}, invite.ErrForbidden},
			{"member inviter invites a member", "inviter", invite.Request{Role: roles.OrgMember}, nil},
			{"member inviter gives a grant it lacks", "inviter", invite.Request{Grants: roles.Grants(roles.PermManageMembers)}, invite.ErrForbidden},
			{"member inviter gives admin of a workspace it only views", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}}, invite.ErrForbidden},
			{"member inviter gives viewer of a workspace it views", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}}, nil},
			{"member inviter gives admin of a workspace it administers", "inviter",
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{w2.ID: roles.WorkspaceAdmin}}, nil},
			{"unknown org role", f.owner, invite.Request{Role: "emperor"}, invite.ErrInvalidRole},
			{"workspace role as org role", f.owner, invite.Request{Role: roles.WorkspaceContributor}, invite.ErrInvalidRole},
			{"unknown workspace role", f.owner, invite.Request{Workspaces: map[uuid.UUID]roles.Role{w.ID: "boss"}}, invite.ErrInvalidRole},
			{"workspace of another organization", f.owner,
				invite.Request{Workspaces: map[uuid.UUID]roles.Role{foreign.ID: roles.WorkspaceViewer}}, invite.ErrNotFound},
			{"unknown workspace", f.owner, invite.Request{Workspaces: map[uuid.UUID]roles.Role{newID(): roles.WorkspaceViewer}}, invite.ErrNotFound},
			{"permission outside the catalog", f.owner, invite.Request{Grants: roles.Grants(roles.MaxPermission)}, invite.ErrInvalidRole},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.ivSnap(t)
				req := tc.req
				req.Emails = uniq("x") + "@example.com"
				_, err := f.iv.Invite(f.ctx, tc.actor, f.org.ID, req)
				if tc.want == nil {
					if err != nil {
						t.Fatalf("Invite: %v", err)
					}
					return
				}
				wantErr(t, err, tc.want)
				f.ivUnchanged(t, before)
			})
		}
	})

	t.Run("RequireWorkspaceAppliesFromTheInvitationOn", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{RequireWorkspace: true}))
		w := f.workspace(t, "W")
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Role: roles.OrgMember})
		wantErr(t, err, invite.ErrWorkspaceRequired)
		is.Equal(len(f.invitations(t)), 0)
		f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.inviteOne(t, "adm@example.com", roles.OrgAdmin) // admins have every workspace
		_, _, err = f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		wantErr(t, err, invite.ErrWorkspaceRequired)
	})

	t.Run("AnInviterWhoLostAuthorityNoLongerGrantsIt", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Members may invite: a demoted admin keeps the right to invite
		// (and its invitations), but no longer gives admin.
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "adm2", roles.OrgAdmin)
		_, asAdmin := f.inviteAs(t, "adm", "ann@example.com", roles.OrgAdmin)
		_, asMember := f.inviteAs(t, "adm2", "bob@example.com", roles.OrgMember)
		if _, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "adm", roles.OrgMember); err != nil {
			t.Fatal(err)
		}
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "adm2"))
		before := f.ivSnap(t)
		_, err := f.iv.Accept(f.ctx, asAdmin, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrForbidden) // a member may not give admin
		_, err = f.iv.Accept(f.ctx, asMember, verified("bob", "bob@example.com"))
		wantErr(t, err, invite.ErrRevoked) // the inviter left: what they sent went with them
		f.ivUnchanged(t, before)
		is.Equal(len(f.denied(t, invite.EventInvitationAccepted)), 2)

		// Another admin resending it lends it their authority.
		inv := f.invitations(t, invite.StatusPending)
		is.Equal(len(inv), 1)
		f.add(t, "adm3", roles.OrgAdmin)
		for _, i := range inv {
			_, tok, err := f.iv.Resend(f.ctx, "adm3", f.org.ID, i.ID)
			is.NoErr(err)
			user := strings.TrimSuffix(i.EmailKey, "@example.com")
			_, err = f.iv.Accept(f.ctx, tok, verified(user, i.EmailKey))
			is.NoErr(err)
		}
	})

	t.Run("ReinvitingAnInvitationYouMayNotManageReportsItAlreadyInvited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		w := f.workspace(t, "Design")
		f.add(t, "mem", roles.OrgMember)
		f.add(t, "adm", roles.OrgAdmin)
		byOwner, ownerTok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceContributor})
		toOwner, _ := f.inviteOne(t, "olga@example.com", roles.OrgOwner)
		byMem, _ := f.inviteAs(t, "mem", "max@example.com", roles.OrgMember)
		wantSame := func(want invite.Invitation) {
			t.Helper()
			got := f.stored(t, want.ID)
			is.Equal(got.InvitedBy, want.InvitedBy)
			is.Equal(got.TokenHash, want.TokenHash)
			is.Equal(workspaceRoles(got.Workspaces), workspaceRoles(want.Workspaces))
			is.True(got.ExpiresAt.Equal(want.ExpiresAt))
			is.Equal(got.Sends, want.Sends)
			is.Equal(got.Role, want.Role)
		}
		f.clk.Advance(time.Hour)
		for _, tc := range []struct {
			name  string
			actor string
			addr  string
			keep  invite.Invitation
		}{
			{"a member re-invites the owner's invitation", "mem", "Ann@Example.com", byOwner},
			{"an admin re-invites an owner's invitation", "adm", "olga@example.com", toOwner},
		} {
			res, err := f.iv.Invite(f.ctx, tc.actor, f.org.ID, invite.Request{
				Emails: tc.addr + ", new-" + tc.actor + "@example.com", Role: roles.OrgMember})
			is.NoErr(err) // tc.name: the rest of the batch proceeds
			is.Equal(len(res.Addresses), 2)
			r := res.Addresses[0]
			is.Equal(r.Outcome, invite.AlreadyInvited) // tc.name
			is.Equal(r.Token, "")
			is.Equal(r.URL, "")
			is.Equal(r.Invitation.ID, uuid.Nil) // nothing about someone else's invitation
			is.Equal(res.Addresses[1].Outcome, invite.Invited)
			wantSame(tc.keep)
		}
		// The owner's token still works, with what the owner gave.
		m, err := f.iv.Accept(f.ctx, ownerTok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.InvitedBy, f.owner)
		is.Equal(f.access(t, "ann")[w.ID], roles.WorkspaceContributor)
		// Those who may manage an invitation still refresh it.
		res, err := f.iv.Invite(f.ctx, "mem", f.org.ID, invite.Request{Emails: "max@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.Reinvited) // their own
		is.Equal(res.Addresses[0].Invitation.ID, byMem.ID)
		res, err = f.iv.Invite(f.ctx, "adm", f.org.ID, invite.Request{Emails: "max@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.Reinvited) // a manager of members of at least its rank
		is.Equal(f.stored(t, byMem.ID).InvitedBy, "adm")
	})

	t.Run("ChangingAnInvitationNeedsItsSenderOrAManagerOfAtLeastItsRank", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "mem", roles.OrgMember)
		f.add(t, "mem2", roles.OrgMember)
		toOwner, _ := f.inviteOne(t, "o@example.com", roles.OrgOwner)
		toAdmin, _ := f.inviteOne(t, "a@example.com", roles.OrgAdmin)
		byMem, _ := f.inviteAs(t, "mem", "m@example.com", roles.OrgMember)
		admin := roles.OrgAdmin
		for _, tc := range []struct {
			name  string
			actor string
			id    uuid.UUID
			ok    bool
		}{
			{"admin changes an owner's invitation", "adm", toOwner.ID, false},
			{"admin changes an admin's invitation", "adm", toAdmin.ID, true},
			{"member changes an invitation they did not send", "mem2", byMem.ID, false},
			{"member changes their own invitation", "mem", byMem.ID, true},
		} {
			before := f.ivSnap(t)
			errs := []error{}
			_, _, err := f.iv.Resend(f.ctx, tc.actor, f.org.ID, tc.id)
			errs = append(errs, err)
			_, err = f.iv.UpdateInvitation(f.ctx, tc.actor, f.org.ID, tc.id, invite.InvitationUpdate{Role: roles.OrgMember})
			errs = append(errs, err)
			for _, err := range errs {
				if tc.ok {
					is.NoErr(err) // tc.name
				} else {
					wantErr(t, err, invite.ErrForbidden)
				}
			}
			if !tc.ok {
				wantErr(t, f.iv.Revoke(f.ctx, tc.actor, f.org.ID, tc.id), invite.ErrForbidden)
				f.ivUnchanged(t, before)
			}
		}
		// Nobody raises an invitation above their own rank.
		_, err := f.iv.UpdateInvitation(f.ctx, "mem", f.org.ID, byMem.ID, invite.InvitationUpdate{Role: admin})
		wantErr(t, err, invite.ErrForbidden)
		_, err = f.iv.UpdateInvitation(f.ctx, "adm", f.org.ID, toAdmin.ID, invite.InvitationUpdate{Role: roles.OrgOwner})
		wantErr(t, err, invite.ErrForbidden)
		is.NoErr(f.iv.Revoke(f.ctx, "mem", f.org.ID, byMem.ID))
		is.NoErr(f.iv.Revoke(f.ctx, "adm", f.org.ID, toAdmin.ID))
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, toOwner.ID))
	})
}
