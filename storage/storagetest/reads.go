package storagetest

import (
	"errors"
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
}
