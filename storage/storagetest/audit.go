package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testAudit checks that every mutation, and every refused attempt, is in
// the audit trail.
func testAudit(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("EveryMutationWritesItsAuditEvent", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		var created bool
		for _, e := range f.audit(t) {
			created = created || (e.Action == membership.EventOrganizationCreated && e.Actor == f.owner && e.At.Equal(start))
		}
		if !created {
			t.Fatalf("no organization.created event by %q at %v in %+v", f.owner, start, f.audit(t))
		}
		var w membership.Workspace
		steps := []struct {
			action, actor string
			target        func() string // "" when the target is not checked
			do            func() error
		}{
			{membership.EventOrganizationUpdated, "owner", nil, func() error {
				name := "New name"
				_, err := f.svc.UpdateOrganization(f.ctx, "owner", f.org.ID, membership.OrganizationUpdate{Name: &name})
				return err
			}},
			{membership.EventWorkspaceCreated, "owner", func() string { return w.ID.String() }, func() error {
				var err error
				w, err = f.svc.CreateWorkspace(f.ctx, "owner", f.org.ID, "A")
				return err
			}},
			{membership.EventWorkspaceRenamed, "owner", func() string { return w.ID.String() }, func() error {
				_, err := f.svc.RenameWorkspace(f.ctx, "owner", f.org.ID, w.ID, "A2")
				return err
			}},
			{membership.EventMemberAdded, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.AddMember(f.ctx, "owner", f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice"), Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
				return err
			}},
			{membership.EventRoleChanged, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.ChangeRole(f.ctx, "owner", f.org.ID, "alice", roles.OrgAdmin)
				return err
			}},
			{membership.EventRoleChanged, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.ChangeRoles(f.ctx, "owner", f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgMember}})
				return err
			}},
			{membership.EventGrantsChanged, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.SetGrants(f.ctx, "owner", f.org.ID, "alice", roles.Grants(roles.PermInvite))
				return err
			}},
			{membership.EventAccessChanged, "owner", nil, func() error {
				_, err := f.svc.SetWorkspaceAccess(f.ctx, "owner", f.org.ID, w.ID, "alice", roles.WorkspaceContributor)
				return err
			}},
			{membership.EventAccessRemoved, "owner", nil, func() error {
				return f.svc.RemoveWorkspaceAccess(f.ctx, "owner", f.org.ID, w.ID, "alice")
			}},
			{membership.EventSSOChanged, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.SetSSO(f.ctx, "owner", f.org.ID, "alice", true)
				return err
			}},
			{membership.EventLicenceAssigned, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.AssignLicence(f.ctx, "owner", f.org.ID, "alice")
				return err
			}},
			{membership.EventLicenceUnassigned, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.UnassignLicence(f.ctx, "owner", f.org.ID, "alice")
				return err
			}},
			{membership.EventMemberDeactivated, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.Deactivate(f.ctx, "owner", f.org.ID, "alice")
				return err
			}},
			{membership.EventMemberReactivated, "owner", func() string { return "alice" }, func() error {
				_, err := f.svc.Reactivate(f.ctx, "owner", f.org.ID, "alice")
				return err
			}},
			{membership.EventMemberAdded, "owner", func() string { return "bob" }, func() error {
				_, err := f.svc.AddMember(f.ctx, "owner", f.org.ID, membership.NewMember{UserID: "bob", Email: email("bob")})
				return err
			}},
			{membership.EventOwnershipTransfer, "owner", nil, func() error {
				return f.svc.TransferOwnership(f.ctx, "owner", f.org.ID, "bob")
			}},
			{membership.EventMemberRemoved, "bob", func() string { return "alice" }, func() error {
				return f.svc.RemoveMember(f.ctx, "bob", f.org.ID, "alice")
			}},
			{membership.EventMemberAdded, "bob", func() string { return "carl" }, func() error {
				_, err := f.svc.AddMember(f.ctx, "bob", f.org.ID, membership.NewMember{UserID: "carl", Email: email("carl")})
				return err
			}},
			{membership.EventMemberRemoved, "bob", func() string { return "carl" }, func() error {
				return f.svc.RemoveMembers(f.ctx, "bob", f.org.ID, []string{"carl"})
			}},
			{membership.EventMemberLeft, "owner", func() string { return "owner" }, func() error {
				return f.svc.Leave(f.ctx, "owner", f.org.ID)
			}},
			{membership.EventWorkspaceDeleted, "bob", func() string { return w.ID.String() }, func() error {
				return f.svc.DeleteWorkspace(f.ctx, "bob", f.org.ID, w.ID)
			}},
		}
		for i, s := range steps {
			f.clk.Advance(time.Minute)
			before := f.audit(t)
			if err := s.do(); err != nil {
				t.Fatalf("step %d (%s): %v", i, s.action, err)
			}
			fresh := newEvents(before, f.audit(t))
			var found bool
			for _, e := range fresh {
				if e.Denied {
					t.Errorf("step %d (%s): a successful mutation wrote a denied event %+v", i, s.action, e)
				}
				if e.OrgID != f.org.ID {
					t.Errorf("step %d (%s): event of organization %s", i, s.action, e.OrgID)
				}
				if e.Action != s.action || e.Actor != s.actor {
					continue
				}
				if s.target != nil && e.Target != s.target() {
					continue
				}
				if !e.At.Equal(f.clk.Now()) {
					t.Errorf("step %d (%s): At = %v, want the clock's %v", i, s.action, e.At, f.clk.Now())
				}
				found = true
			}
			if !found {
				want := ""
				if s.target != nil {
					want = s.target()
				}
				t.Errorf("step %d: no %s event by %q on %q among the new events %+v", i, s.action, s.actor, want, fresh)
			}
		}
	})

	t.Run("DeniedAttemptsAreRecorded", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Seats: 2}))
		f.add(t, "alice", roles.OrgMember)
		for _, c := range []struct {
			name, actor, action string
			want                error
			do                  func() error
		}{
			{"Forbidden", "alice", membership.EventMemberAdded, membership.ErrForbidden, func() error {
				_, err := f.svc.AddMember(f.ctx, "alice", f.org.ID, membership.NewMember{UserID: "bob", Email: email("bob")})
				return err
			}},
			{"Stranger", "stranger", membership.EventMemberRemoved, membership.ErrForbidden, func() error {
				return f.svc.RemoveMember(f.ctx, "stranger", f.org.ID, "alice")
			}},
			{"LastOwner", f.owner, membership.EventMemberLeft, membership.ErrLastOwner, func() error {
				return f.svc.Leave(f.ctx, f.owner, f.org.ID)
			}},
			{"SeatLimit", f.owner, membership.EventMemberAdded, membership.ErrSeatLimit, func() error {
				_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "carl", Email: email("carl")})
				return err
			}},
		} {
			before := f.audit(t)
			snap := f.snap(t)
			err := c.do()
			wantErr(t, err, c.want)
			f.unchanged(t, snap)
			fresh := newEvents(before, f.audit(t))
			var found bool
			for _, e := range fresh {
				if !e.Denied {
					t.Errorf("%s: a refused attempt wrote %+v", c.name, e)
					continue
				}
				if e.Actor == c.actor && e.Action == c.action {
					found = true
					is.Equal(e.Reason, membership.CodeOf(c.want)) // the refusal's code is recorded
					is.True(e.At.Equal(f.clk.Now()))              // at the clock's time
				}
			}
			if !found {
				t.Errorf("%s: no denied %s event by %q among %+v", c.name, c.action, c.actor, fresh)
			}
		}
	})

	t.Run("OnlyHoldersOfViewAuditReadTheAudit", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "admin", roles.OrgAdmin)
		f.add(t, "alice", roles.OrgMember)
		es, _, err := f.svc.Audit(f.ctx, "admin", f.org.ID, membership.AuditFilter{}, storage.Page{})
		is.NoErr(err)
		is.True(len(es) >= 3) // organization.created and two member.added
		for _, actor := range []string{"alice", "stranger"} {
			_, _, err = f.svc.Audit(f.ctx, actor, f.org.ID, membership.AuditFilter{}, storage.Page{})
			wantErr(t, err, membership.ErrForbidden)
		}
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermViewAudit))
		is.NoErr(err)
		_, _, err = f.svc.Audit(f.ctx, "alice", f.org.ID, membership.AuditFilter{}, storage.Page{})
		is.NoErr(err) // the grant opens it
	})

	t.Run("AuditFiltersByActorActionAndTarget", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "admin", roles.OrgAdmin)
		f.add(t, "alice", roles.OrgMember)
		f.add(t, "bob", roles.OrgMember)
		for _, u := range []string{"alice", "bob"} {
			_, err := f.svc.ChangeRole(f.ctx, "admin", f.org.ID, u, roles.OrgGuest)
			is.NoErr(err)
		}
		list := func(filter membership.AuditFilter) []membership.AuditEvent {
			es, _, err := f.svc.Audit(f.ctx, f.owner, f.org.ID, filter, storage.Page{Limit: storage.MaxPageSize})
			is.NoErr(err)
			return es
		}
		changed := list(membership.AuditFilter{Action: membership.EventRoleChanged})
		is.Equal(len(changed), 2)
		for _, e := range changed {
			is.Equal(e.Action, membership.EventRoleChanged)
		}
		byAdmin := list(membership.AuditFilter{Actor: "admin"})
		for _, e := range byAdmin {
			is.Equal(e.Actor, "admin")
		}
		is.True(len(byAdmin) >= 2)
		aboutBob := list(membership.AuditFilter{Target: "bob", Action: membership.EventRoleChanged})
		is.Equal(len(aboutBob), 1)
		is.Equal(aboutBob[0].Target, "bob")
		is.Equal(len(list(membership.AuditFilter{Action: "no.such.action"})), 0)
	})

	t.Run("AMemberAddedByAcceptingIsAuditedAsTheInviteesAct", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		if _, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com")); err != nil {
			t.Fatalf("Accept: %v", err)
		}
		l, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		if err != nil {
			t.Fatalf("CreateLink %s: %v", l.ID, err)
		}
		if _, err := f.iv.Join(f.ctx, ltok, verified("ben", "ben@example.com")); err != nil {
			t.Fatalf("Join: %v", err)
		}
		f.add(t, "cy", roles.OrgMember)
		want := map[string]string{"ann": "ann", "ben": "ben", "cy": f.owner}
		for _, e := range auditOf(t, f.ctx, f.st, f.org.ID, membership.AuditFilter{Action: membership.EventMemberAdded}) {
			if actor, ok := want[e.Target]; ok {
				if e.Actor != actor || e.After["invited_by"] != f.owner {
					t.Errorf("member.added for %s: actor %q, invited_by %q; want actor %q, invited_by %q", e.Target, e.Actor, e.After["invited_by"], actor, f.owner)
				}
				delete(want, e.Target)
			}
		}
		if len(want) != 0 {
			t.Fatalf("no member.added event for %v", want)
		}
	})
}
