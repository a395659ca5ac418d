package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// orgPerms are the built-in organization permissions of the default
// catalog.
var orgPerms = []roles.Permission{
	roles.PermViewMembers, roles.PermManageMembers, roles.PermInvite, roles.PermManageSettings, roles.PermViewBilling,
	roles.PermBilling, roles.PermAPIAccess, roles.PermViewAudit, roles.PermManageWorkspaces, roles.PermDeleteOrganization,
}

// testReads checks the reads a Members tab and its buttons need: seat
// usage, permission sets, and iterators over whole lists.
func testReads(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("SeatUsageAndTheSeatLimitErrorCarryTheNumbers", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 5, Licences: 2}))
		f.add(t, "bob", roles.OrgMember)
		f.add(t, "cy", roles.OrgMember)
		if _, err := f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, "bob"); err != nil {
			t.Fatalf("AssignLicence: %v", err)
		}
		f.inviteOne(t, "dana@example.com", roles.OrgMember)
		u, err := f.svc.SeatUsage(f.ctx, "cy", f.org.ID)
		want := membership.SeatUsage{Members: 3, Pending: 1, Seats: 5, Free: 1, Licensed: 1, Licences: 2}
		if err != nil || u != want {
			t.Fatalf("SeatUsage = %+v, %v; want %+v", u, err, want)
		}
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "eve@example.com, finn@example.com"})
		var sl *membership.SeatLimitError
		if !errors.As(err, &sl) || !errors.Is(err, membership.ErrSeatLimit) {
			t.Fatalf("inviting two with one seat free: %v, want a *SeatLimitError matching ErrSeatLimit", err)
		}
		if got := (membership.SeatLimitError{Members: 3, Pending: 1, Limit: 5, Asked: 2}); *sl != got {
			t.Fatalf("SeatLimitError = %+v, want %+v", *sl, got)
		}
		if !strings.Contains(err.Error(), "seat limit reached: 4 of 5 seats taken (3 members, 1 pending invitations), 2 more asked") {
			t.Fatalf("message %q does not read as the numbers", err)
		}
		fewer := f.org.Settings
		fewer.Seats = 3
		_, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &fewer})
		if !errors.As(err, &sl) || sl.Members != 3 || sl.Pending != 1 || sl.Limit != 3 || sl.Licences {
			t.Fatalf("lowering seats below use: %v", err)
		}
		_, err = f.svc.SeatUsage(f.ctx, "stranger", f.org.ID)
		wantErr(t, err, membership.ErrForbidden)
	})

	t.Run("PermissionSetsAnswerWhatCanAndCanOrgAnswer", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"example.com"}}))
		w, w2 := f.workspace(t, "W"), f.workspace(t, "W2")
		other := newFixture(t, newStore, onStore(f.st))
		foreign := other.workspace(t, "Foreign")
		f.add(t, "admin", roles.OrgAdmin)
		f.add(t, "bob", roles.OrgMember, ws{w.ID, roles.WorkspaceContributor})
		if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "bob", roles.Grants(roles.PermViewAudit)); err != nil {
			t.Fatalf("SetGrants: %v", err)
		}
		if _, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "gus", Email: "gus@partner.io",
			Role: roles.OrgGuest, Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}}); err != nil {
			t.Fatalf("AddMember guest: %v", err)
		}
		f.add(t, "off", roles.OrgMember, ws{w.ID, roles.WorkspaceAdmin})
		if _, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "off"); err != nil {
			t.Fatalf("Deactivate: %v", err)
		}
		users := []string{f.owner, "admin", "bob", "gus", "off", "stranger"}
		compare := func(t *testing.T) {
			t.Helper()
			for _, u := range users {
				for _, space := range []uuid.UUID{w.ID, w2.ID, foreign.ID, newID()} {
					set, err := f.svc.Permissions(f.ctx, f.org.ID, u, space)
					if err != nil {
						t.Fatalf("Permissions(%s, %s): %v", u, space, err)
					}
					for _, p := range workspacePerms {
						if set.Has(p) != f.can(t, u, space, p) {
							t.Errorf("Permissions(%s).Has(%s) = %v, Can says otherwise", u, p, set.Has(p))
						}
					}
				}
				set, err := f.svc.OrgPermissions(f.ctx, f.org.ID, u)
				if err != nil {
					t.Fatalf("OrgPermissions(%s): %v", u, err)
				}
				for _, p := range orgPerms {
					if set.Has(p) != f.canOrg(t, u, p) {
						t.Errorf("OrgPermissions(%s).Has(%s) = %v, CanOrg says otherwise", u, p, set.Has(p))
					}
				}
			}
		}
		compare(t)
		open := f.org.Settings
		open.MembersMayInvite = true
		if _, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &open}); err != nil {
			t.Fatalf("UpdateOrganization: %v", err)
		}
		compare(t) // bob may now invite; the guest still may not
		if set, _ := f.svc.OrgPermissions(f.ctx, f.org.ID, "bob"); !set.Has(roles.PermInvite) {
			t.Fatal("with MembersMayInvite, bob's permissions lack invite")
		}
		_, err := f.svc.Permissions(f.ctx, f.org.ID, "bob", uuid.Nil)
		wantErr(t, err, membership.ErrInvalidInput)
	})

	t.Run("IteratorsWalkWholeListsAndStopAtAnError", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		for _, u := range []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7"} {
			f.add(t, u, roles.OrgMember)
		}
		for _, addr := range []string{"x@example.com", "y@example.com", "z@example.com"} {
			f.inviteOne(t, addr, roles.OrgMember)
		}
		var paged []string
		page := storage.Page{Limit: 3}
		for {
			ms, next, err := f.svc.Members(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, page)
			if err != nil {
				t.Fatalf("Members: %v", err)
			}
			for _, m := range ms {
				paged = append(paged, m.UserID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		var all []string
		for m, err := range f.svc.AllMembers(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}) {
			if err != nil {
				t.Fatalf("AllMembers: %v", err)
			}
			all = append(all, m.UserID)
		}
		if strings.Join(all, ",") != strings.Join(paged, ",") || len(all) != 8 {
			t.Fatalf("AllMembers = %v, pages = %v", all, paged)
		}
		n := 0
		for _, err := range f.iv.AllInvitations(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{}) {
			if err != nil {
				t.Fatalf("AllInvitations: %v", err)
			}
			n++
		}
		if n != 3 {
			t.Fatalf("AllInvitations yielded %d, want 3", n)
		}
		events := 0
		for _, err := range f.svc.AllAudit(f.ctx, f.owner, f.org.ID, membership.AuditFilter{}) {
			if err != nil {
				t.Fatalf("AllAudit: %v", err)
			}
			events++
		}
		if events != len(f.audit(t)) {
			t.Fatalf("AllAudit yielded %d events, the store holds %d", events, len(f.audit(t)))
		}
		var errs []error
		for _, err := range f.svc.AllMembers(f.ctx, "stranger", f.org.ID, membership.MemberFilter{}) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], membership.ErrForbidden) {
			t.Fatalf("AllMembers by a stranger yielded %v, want one ErrForbidden", errs)
		}
	})

	t.Run("MemberViewsCarryWorkspaceRolesAndNamesForAWholePage", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "Alpha"), f.workspace(t, "Beta")
		f.add(t, "admin", roles.OrgAdmin)
		f.add(t, "bob", roles.OrgMember, ws{a.ID, roles.WorkspaceContributor}, ws{b.ID, roles.WorkspaceViewer})
		f.add(t, "cy", roles.OrgMember, ws{b.ID, roles.WorkspaceAdmin})
		other := newFixture(t, newStore, onStore(f.st))
		ow := other.workspace(t, "Elsewhere")
		other.add(t, "bob", roles.OrgMember, ws{ow.ID, roles.WorkspaceAdmin}) // bob in another organization
		want := map[string]string{}
		for _, m := range f.members(t) {
			var parts []string
			as, err := f.st.MemberAccess(f.ctx, f.org.ID, m.UserID)
			if err != nil {
				t.Fatalf("store MemberAccess: %v", err)
			}
			for _, acc := range as {
				name := map[uuid.UUID]string{a.ID: "Alpha", b.ID: "Beta"}[acc.WorkspaceID]
				parts = append(parts, name+"="+string(acc.Role))
			}
			want[m.UserID] = strings.Join(parts, ",")
		}
		got := map[string]string{}
		page := storage.Page{Limit: 2}
		for {
			views, next, err := f.svc.MemberViews(f.ctx, f.owner, f.org.ID, membership.MemberFilter{}, page)
			if err != nil {
				t.Fatalf("MemberViews: %v", err)
			}
			for _, v := range views {
				var parts []string
				for _, w := range v.Workspaces {
					parts = append(parts, w.Name+"="+string(w.Role))
				}
				got[v.UserID] = strings.Join(parts, ",")
				if v.AllWorkspaces != (v.Role == roles.OrgOwner || v.Role == roles.OrgAdmin) {
					t.Errorf("%s (%s): AllWorkspaces = %v", v.UserID, v.Role, v.AllWorkspaces)
				}
			}
			if !advance(t, &page, next) {
				break
			}
		}
		if len(got) != 4 || got["bob"] == "" || got["cy"] != "Beta=admin" {
			t.Fatalf("MemberViews = %v", got)
		}
		for u, w := range want {
			if got[u] != w {
				t.Errorf("%s: MemberViews says %q, MemberAccess %q", u, got[u], w)
			}
		}
		_, _, err := f.svc.MemberViews(f.ctx, "stranger", f.org.ID, membership.MemberFilter{}, storage.Page{})
		wantErr(t, err, membership.ErrForbidden)

		rows, err := f.st.AccessOf(f.ctx, f.org.ID, []string{"cy", "bob", "nobody", "bob"})
		if err != nil {
			t.Fatalf("store AccessOf: %v", err)
		}
		var keys []string
		for _, r := range rows {
			if r.OrgID != f.org.ID {
				t.Fatalf("AccessOf returned a row of another organization: %+v", r)
			}
			keys = append(keys, r.UserID+"/"+r.WorkspaceName)
		}
		wantKeys := []string{"bob/Alpha", "bob/Beta", "cy/Beta"}
		if a.ID.String() > b.ID.String() {
			wantKeys[0], wantKeys[1] = wantKeys[1], wantKeys[0]
		}
		if strings.Join(keys, " ") != strings.Join(wantKeys, " ") {
			t.Fatalf("store AccessOf = %v, want %v (by user, then workspace ID; duplicates and strangers ignored)", keys, wantKeys)
		}
	})

	t.Run("MembershipsGiveTheUsersRoleInEachOrganization", func(t *testing.T) {
		t.Parallel()
		user := uniq("user")
		a := newFixture(t, newStore)
		b := newFixture(t, newStore, onStore(a.st))
		c := newFixture(t, newStore, onStore(a.st), ownedBy(user))
		a.add(t, user, roles.OrgAdmin)
		b.add(t, user, roles.OrgMember)
		if _, err := b.svc.Deactivate(b.ctx, b.owner, b.org.ID, user); err != nil {
			t.Fatalf("Deactivate: %v", err)
		}
		newFixture(t, newStore, onStore(a.st)) // an organization the user is not in
		want := map[uuid.UUID]string{a.org.ID: "admin/false", b.org.ID: "member/true", c.org.ID: "owner/false"}
		got := map[uuid.UUID]string{}
		var order []string
		page := storage.Page{Limit: 2}
		for {
			ms, next, err := a.svc.Memberships(a.ctx, user, page)
			if err != nil {
				t.Fatalf("Memberships: %v", err)
			}
			for _, m := range ms {
				got[m.ID] = fmt.Sprintf("%s/%v", m.Role, m.Deactivated)
				order = append(order, m.ID.String())
				if m.Name == "" || m.Slug == "" {
					t.Errorf("membership of %s lacks the organization: %+v", m.ID, m)
				}
			}
			if !advance(t, &page, next) {
				break
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || !slices.IsSorted(order) {
			t.Fatalf("Memberships = %v in order %v, want %v by organization ID", got, order, want)
		}
		_, _, err := a.svc.Memberships(a.ctx, "", storage.Page{})
		wantErr(t, err, membership.ErrInvalidInput)
	})

	t.Run("InvitationViewsNameTheInviterAndTheWorkspaces", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		a, b := f.workspace(t, "Alpha"), f.workspace(t, "Beta")
		f.add(t, "lead", roles.OrgAdmin)
		f.inviteAs(t, "lead", "x@example.com", roles.OrgMember, ws{a.ID, roles.WorkspaceViewer}, ws{b.ID, roles.WorkspaceContributor})
		f.inviteOne(t, "y@example.com", roles.OrgMember, ws{b.ID, roles.WorkspaceViewer})
		f.inviteAs(t, "lead", "z@example.com", roles.OrgMember)
		if err := f.svc.DeleteWorkspace(f.ctx, f.owner, f.org.ID, a.ID); err != nil {
			t.Fatalf("DeleteWorkspace: %v", err)
		}
		got := map[string]string{}
		for v, err := range f.iv.AllInvitationViews(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{Statuses: invite.Pending()}) {
			if err != nil {
				t.Fatalf("InvitationViews: %v", err)
			}
			var ws []string
			for _, w := range v.Workspaces {
				ws = append(ws, w.Name+"="+string(w.Role))
			}
			got[v.Email] = v.InviterName + "|" + v.InviterEmail + "|" + strings.Join(ws, ",")
		}
		want := map[string]string{
			"x@example.com": "Name lead|lead@example.com|Beta=contributor", // Alpha was deleted
			"y@example.com": "The Owner|owner@example.com|Beta=viewer",
			"z@example.com": "Name lead|lead@example.com|",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("InvitationViews = %v, want %v", got, want)
		}
		ms, err := f.st.MembersByID(f.ctx, f.org.ID, []string{"lead", "nobody", f.owner, "lead"})
		if err != nil || len(ms) != 2 || ms[0].UserID > ms[1].UserID {
			t.Fatalf("store MembersByID = %+v, %v; want lead and the owner, by user ID", ms, err)
		}
	})
}
