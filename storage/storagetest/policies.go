package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
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

	t.Run("ReclassifyingAGuestAsACoworkerLetsItsRoleChange", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"partner.io"}}))
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.com"})
		is.NoErr(err)
		is.Equal(f.member(t, "ann").Kind, membership.KindGuest)
		// The organization adds ann's domain: nobody is reclassified by it.
		domains := membership.Settings{Domains: []string{"partner.io", "example.com"}}
		_, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &domains})
		is.NoErr(err)
		is.Equal(f.member(t, "ann").Kind, membership.KindGuest)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "ann", roles.OrgMember)
		wantErr(t, err, membership.ErrForbidden)

		m, err := f.svc.SetKind(f.ctx, f.owner, f.org.ID, "ann", membership.KindCoworker)
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindCoworker)
		is.Equal(m.Role, roles.OrgGuest) // the role stays until a role change
		is.Equal(f.member(t, "ann").Kind, membership.KindCoworker)
		m, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "ann", roles.OrgMember)
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember)

		var changed []membership.AuditEvent
		for _, e := range f.audit(t) {
			if e.Action == membership.EventKindChanged && !e.Denied {
				changed = append(changed, e)
			}
		}
		is.Equal(len(changed), 1)
		is.Equal(changed[0].Actor, f.owner)
		is.Equal(changed[0].Target, "ann")
		is.Equal(changed[0].Before["kind"], string(membership.KindGuest))
		is.Equal(changed[0].After["kind"], string(membership.KindCoworker))
		// Setting the kind a member has changes nothing.
		n := len(f.audit(t))
		_, err = f.svc.SetKind(f.ctx, f.owner, f.org.ID, "ann", membership.KindCoworker)
		is.NoErr(err)
		is.Equal(len(f.audit(t)), n)
	})

	t.Run("ReclassifyingACoworkerAsAGuestGivesItTheGuestRole", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "bob", roles.OrgMember, ws{w.ID, roles.WorkspaceContributor})
		m, err := f.svc.SetKind(f.ctx, f.owner, f.org.ID, "bob", membership.KindGuest)
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindGuest)
		is.Equal(m.Role, roles.OrgGuest)
		stored := f.member(t, "bob")
		is.Equal(stored.Kind, membership.KindGuest)
		is.Equal(stored.Role, roles.OrgGuest)
		is.Equal(f.access(t, "bob"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor}) // shared content stays
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "bob", roles.OrgMember)
		wantErr(t, err, membership.ErrForbidden) // a guest holds only the guest role
	})

	t.Run("ReclassifyingIsCeilingCheckedAndValidated", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"example.com"}}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "adm2", roles.OrgAdmin)
		f.add(t, "mem", roles.OrgMember)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "gst", Email: "gst@partner.io"})
		is.NoErr(err)
		if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "mem", roles.Grants(roles.PermInvite)); err != nil {
			t.Fatal(err)
		}
		before := f.snap(t)
		for _, tc := range []struct {
			actor, user string
			kind        membership.Kind
			want        error
		}{
			{"mem", "gst", membership.KindCoworker, membership.ErrForbidden},  // no manage-members
			{"adm", f.owner, membership.KindGuest, membership.ErrForbidden},   // ranked above the actor
			{"adm", "adm", membership.KindGuest, membership.ErrForbidden},     // nobody reclassifies themselves
			{f.owner, f.owner, membership.KindGuest, membership.ErrForbidden}, // the only owner
			{f.owner, "mem", membership.KindGuest, membership.ErrForbidden},   // holds a grant guests never use
			{f.owner, "gst", "martian", membership.ErrInvalidInput},
			{f.owner, "nobody", membership.KindGuest, membership.ErrNotFound},
			{"stranger", "gst", membership.KindCoworker, membership.ErrForbidden},
		} {
			_, err := f.svc.SetKind(f.ctx, tc.actor, f.org.ID, tc.user, tc.kind)
			if err == nil || !errors.Is(err, tc.want) {
				t.Fatalf("SetKind(%s, %s, %s) = %v, want %v", tc.actor, tc.user, tc.kind, err, tc.want)
			}
		}
		f.unchanged(t, before)
		denials := 0
		for _, e := range f.audit(t) {
			if e.Denied && e.Action == membership.EventKindChanged {
				denials++
			}
		}
		is.True(denials > 0) // refusals are audited

		strict := membership.Settings{Domains: []string{"example.com"}, GuestPolicy: membership.GuestsDenied}
		_, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &strict})
		is.NoErr(err)
		_, err = f.svc.SetKind(f.ctx, f.owner, f.org.ID, "adm2", membership.KindGuest)
		wantErr(t, err, membership.ErrGuestsNotAllowed)
		// An admin reclassifies members it outranks.
		m, err := f.svc.SetKind(f.ctx, "adm", f.org.ID, "gst", membership.KindCoworker)
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindCoworker)
	})

	t.Run("NewMembersOfAnSSORequiredOrganizationSignInWithSSO", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{SSORequired: true}))
		is.Equal(f.member(t, f.owner).SSO, true)
		m, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "added", Email: email("added")})
		is.NoErr(err)
		is.Equal(m.SSO, true)
		is.Equal(f.member(t, "added").SSO, true)
		_, tok := f.inviteOne(t, "invited@example.com", roles.OrgMember)
		m, err = f.iv.Accept(f.ctx, tok, verified("invited", "invited@example.com"))
		is.NoErr(err)
		is.Equal(m.SSO, true)
		is.Equal(f.member(t, "invited").SSO, true)
		_, ltok := f.link(t, invite.NewLink{})
		m, err = f.iv.Join(f.ctx, ltok, verified("joined", "joined@example.com"))
		is.NoErr(err)
		is.Equal(m.SSO, true)
		is.Equal(f.member(t, "joined").SSO, true)

		// Without the requirement, SSO is what the host asks for.
		g := newFixture(t, newStore, onStore(f.st))
		m, err = g.svc.AddMember(g.ctx, g.owner, g.org.ID, membership.NewMember{UserID: "plain", Email: email("plain")})
		is.NoErr(err)
		is.Equal(m.SSO, false)
	})

	t.Run("TurningSSOOffInAnSSORequiredOrganizationIsAnAuditedException", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{SSORequired: true}))
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "mem", roles.OrgMember)
		f.add(t, "ann", roles.OrgMember)
		before := f.snap(t)
		_, err := f.svc.SetSSO(f.ctx, "mem", f.org.ID, "ann", false) // not a manager of members
		wantErr(t, err, membership.ErrForbidden)
		_, err = f.svc.SetSSO(f.ctx, "mem", f.org.ID, "mem", false) // nor for themselves
		wantErr(t, err, membership.ErrForbidden)
		f.unchanged(t, before)
		m, err := f.svc.SetSSO(f.ctx, "adm", f.org.ID, "ann", false)
		is.NoErr(err)
		is.Equal(m.SSO, false)
		is.Equal(f.member(t, "ann").SSO, false)
		var ev []membership.AuditEvent
		for _, e := range f.audit(t) {
			if e.Action == membership.EventSSOChanged && !e.Denied {
				ev = append(ev, e)
			}
		}
		is.Equal(len(ev), 1)
		is.Equal(ev[0].Actor, "adm")
		is.Equal(ev[0].Target, "ann")
		is.Equal(ev[0].After["sso"], "false")
		is.Equal(ev[0].After["exception"], "true")
		// Turning it back on is no exception.
		_, err = f.svc.SetSSO(f.ctx, "adm", f.org.ID, "ann", true)
		is.NoErr(err)
		last := f.audit(t)
		is.Equal(last[len(last)-1].After["exception"], "")
	})

	t.Run("WorkspaceMembersListsImplicitOwnersAndAdmins", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		other := f.workspace(t, "Other")
		f.add(t, "a-admin", roles.OrgAdmin)
		f.add(t, "b-viewer", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.add(t, "c-outsider", roles.OrgMember, ws{other.ID, roles.WorkspaceViewer})
		f.add(t, "d-admin", roles.OrgAdmin, ws{w.ID, roles.WorkspaceViewer}) // explicit access too: listed once
		f.add(t, "p-contrib", roles.OrgMember, ws{w.ID, roles.WorkspaceContributor})
		top := f.svc.Roles().TopWorkspaceRole().Name
		want := []string{ // owners, admins, then explicit access
			f.owner + "|" + string(top) + "|true",
			"a-admin|" + string(top) + "|true",
			"d-admin|" + string(top) + "|true",
			"b-viewer|" + string(roles.WorkspaceViewer) + "|false",
			"p-contrib|" + string(roles.WorkspaceContributor) + "|false",
		}
		for _, limit := range []int{1, 2, 3, 50} {
			var got []string
			page := storage.Page{Limit: limit}
			for {
				list, next, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, w.ID, page)
				is.NoErr(err)
				is.True(len(list) <= limit)
				for _, m := range list {
					got = append(got, fmt.Sprintf("%s|%s|%v", m.UserID, m.WorkspaceRole, m.Implicit))
				}
				if !advance(t, &page, next) {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d: WorkspaceMembers = %v, want %v", limit, got, want)
			}
		}
	})

	t.Run("MemberByEmailFindsTheMemberWithThatAddress", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		for _, nm := range []membership.NewMember{
			{UserID: "ann", Email: "Ann@Example.com"},
			{UserID: "ann2", Email: "ann@example.org"},
			{UserID: "annie", Email: "annie@example.com"},
			{UserID: "bob", Email: "bob@example.com", Name: "ann@example.com"},
		} {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, nm)
			is.NoErr(err)
		}
		for _, q := range []string{"ann@example.com", "ANN@EXAMPLE.COM", "Ann@Example.com"} {
			m, err := f.svc.MemberByEmail(f.ctx, f.owner, f.org.ID, q)
			is.NoErr(err)
			is.Equal(m.UserID, "ann")
		}
		m, err := f.svc.MemberByEmail(f.ctx, f.owner, f.org.ID, "ann@example.org")
		is.NoErr(err)
		is.Equal(m.UserID, "ann2")
		for _, q := range []string{"an@example.com", "ann@example.co", "nobody@example.com", "ann@example.com.au"} {
			_, err = f.svc.MemberByEmail(f.ctx, f.owner, f.org.ID, q)
			wantErr(t, err, membership.ErrNotFound)
		}
		_, err = f.svc.MemberByEmail(f.ctx, f.owner, f.org.ID, "not an email")
		wantErr(t, err, membership.ErrInvalidInput)
		_, err = f.svc.MemberByEmail(f.ctx, "stranger", f.org.ID, "ann@example.com")
		wantErr(t, err, membership.ErrForbidden)
		f.add(t, "gst", roles.OrgGuest)
		_, err = f.svc.MemberByEmail(f.ctx, "gst", f.org.ID, "ann@example.com") // guests do not view members
		wantErr(t, err, membership.ErrForbidden)
		other := newFixture(t, newStore, onStore(f.st))
		_, err = other.svc.MemberByEmail(other.ctx, other.owner, other.org.ID, "ann@example.com")
		wantErr(t, err, membership.ErrNotFound)
	})

	t.Run("AMemberOpeningAUsedUpLinkKeepsTheMembership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		l, tok := f.link(t, invite.NewLink{MaxUses: 1})
		_, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		before := f.ivSnap(t)
		m, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.UserID, "ann")
		m, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.UserID, "ann")
		f.ivUnchanged(t, before)
		is.Equal(f.storedLink(t, l.ID).Uses, 1)
		// Someone else still finds it used up.
		_, err = f.iv.Join(f.ctx, tok, verified("bob", "bob@example.com"))
		wantErr(t, err, invite.ErrUsedUp)
		is.True(!f.isMember(t, "bob"))
	})

	t.Run("TheMutationHookSeesOrganizationsCreated", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		var mu sync.Mutex
		var seen []string
		type span struct{}
		var orgs []uuid.UUID
		svc := newMembership(t, st, membership.Options{Dispatcher: discard, Hooks: membership.Hooks{
			Mutation: func(ctx context.Context, m membership.MutationStart) (context.Context, func(error)) {
				if ctx.Value(span{}) != nil {
					t.Errorf("%s started inside another mutation's span", m.Action)
				}
				mu.Lock()
				orgs = append(orgs, m.OrgID)
				seen = append(seen, "start "+m.Action+" by "+m.Actor)
				mu.Unlock()
				ended := false
				return context.WithValue(ctx, span{}, m.Action), func(err error) {
					mu.Lock()
					defer mu.Unlock()
					if ended {
						t.Errorf("%s ended twice", m.Action)
					}
					ended = true
					seen = append(seen, fmt.Sprintf("end %s ok=%v", m.Action, err == nil))
				}
			},
		}})
		slug := uniq("hook")
		org, err := svc.CreateOrganization(t.Context(), "owner", membership.NewOrganization{Name: "Hooked", Slug: slug})
		is.NoErr(err)
		_, err = svc.CreateOrganization(t.Context(), "owner", membership.NewOrganization{Name: "Again", Slug: slug})
		wantErr(t, err, membership.ErrConflict)
		_, err = svc.CreateWorkspace(t.Context(), "owner", org.ID, "W")
		is.NoErr(err)
		_, err = svc.CreateWorkspace(t.Context(), "stranger", org.ID, "X")
		wantErr(t, err, membership.ErrForbidden)
		_, err = svc.CreateWorkspace(t.Context(), "", org.ID, "Y") // no actor: no mutation starts
		wantErr(t, err, membership.ErrInvalidInput)
		mu.Lock()
		defer mu.Unlock()
		is.Equal(seen, []string{
			"start " + membership.EventOrganizationCreated + " by owner",
			"end " + membership.EventOrganizationCreated + " ok=true",
			"start " + membership.EventOrganizationCreated + " by owner",
			"end " + membership.EventOrganizationCreated + " ok=false",
			"start " + membership.EventWorkspaceCreated + " by owner",
			"end " + membership.EventWorkspaceCreated + " ok=true",
			"start " + membership.EventWorkspaceCreated + " by stranger",
			"end " + membership.EventWorkspaceCreated + " ok=false",
		})
		is.Equal(orgs[0], org.ID)
		is.True(orgs[1] != org.ID) // the second, refused organization's own ID
		is.Equal(orgs[2], org.ID)
	})

}
