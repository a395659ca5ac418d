package storagetest

import (
	"testing"

	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testPolicies checks the organization policies that decide what members
// may do and how they join: who may invite (and the grants guests can
// never use), reclassifying guests and co-workers, required SSO, who a
// workspace's member list shows, exact email look-ups, links opened by
// members, and the mutation hook.
func testPolicies(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CanInviteAnswersExactlyWhatInviteEnforces", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name     string
			settings membership.Settings
			setup    func(t *testing.T, f *ivFixture) string
			want     bool
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
			{"guest when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { f.add(t, "gst", roles.OrgGuest); return "gst" }, false},
			{"deactivated admin", membership.Settings{}, func(t *testing.T, f *ivFixture) string {
				f.add(t, "adm", roles.OrgAdmin)
				if _, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "adm"); err != nil {
					t.Fatal(err)
				}
				return "adm"
			}, false},
			{"stranger when members may invite", membership.Settings{MembersMayInvite: true},
				func(t *testing.T, f *ivFixture) string { return "stranger" }, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				f := newInviteFixture(t, newStore, ivSettings(tc.settings))
				actor := tc.setup(t, f)
				can, err := f.svc.CanInvite(f.ctx, f.org.ID, actor)
				is.NoErr(err)
				is.Equal(can, tc.want)
				canOrg, err := f.svc.CanOrg(f.ctx, f.org.ID, actor, roles.PermInvite)
				is.NoErr(err)
				is.Equal(canOrg, tc.want) // CanOrg asks the same question
				_, err = f.iv.Invite(f.ctx, actor, f.org.ID, invite.Request{Emails: "new@example.com", Role: roles.OrgMember})
				is.Equal(err == nil, can)
				if err != nil {
					wantErr(t, err, invite.ErrForbidden)
				}
			})
		}
		t.Run("unknown organization", func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			f := newFixture(t, newStore)
			can, err := f.svc.CanInvite(f.ctx, newID(), f.owner)
			is.NoErr(err)
			is.True(!can)
		})
	})

	t.Run("GuestsCannotHoldTheInviteGrant", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"example.com"}}))
		f.add(t, "gst", roles.OrgGuest)
		before := f.ivSnap(t)
		_, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "gst", roles.Grants(roles.PermInvite))
		wantErr(t, err, membership.ErrForbidden)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "out", Email: "out@partner.io",
			Grants: roles.Grants(roles.PermInvite)})
		wantErr(t, err, membership.ErrForbidden)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "in", Email: "in@example.com",
			Role: roles.OrgGuest, Grants: roles.Grants(roles.PermInvite)})
		wantErr(t, err, membership.ErrForbidden)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "out@partner.io", Grants: roles.Grants(roles.PermInvite)})
		wantErr(t, err, invite.ErrForbidden)
		f.ivUnchanged(t, before)
		// A co-worker holding the grant cannot be demoted to the guest role
		// with it; other grants are fine for guests.
		f.add(t, "mem", roles.OrgMember)
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "mem", roles.Grants(roles.PermInvite))
		is.NoErr(err)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "mem", roles.OrgGuest)
		wantErr(t, err, membership.ErrForbidden)
		is.Equal(f.member(t, "mem").Role, roles.OrgMember)
		m, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "gst", roles.Grants(roles.PermAPIAccess))
		is.NoErr(err)
		is.Equal(m.Grants, roles.Grants(roles.PermAPIAccess))
	})

}
