package storagetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// tenants is two organizations on one store, both owned by "owner": the
// actor's authority in one must not reach into the other.
type tenants struct {
	a, b   *fixture
	wa, wb membership.Workspace
}

// newTenants makes organization A with workspace wa and member alice, and
// organization B with workspace wb and member bob; carol is a member of
// both, with access to wa in A and to wb in B.
func newTenants(t *testing.T, newStore func(t *testing.T) Store) tenants {
	t.Helper()
	a := newFixture(t, newStore)
	b := newFixture(t, newStore, onStore(a.st))
	tn := tenants{a: a, b: b, wa: a.workspace(t, "Shared name"), wb: b.workspace(t, "Shared name")}
	a.add(t, "alice", roles.OrgMember, ws{tn.wa.ID, roles.WorkspaceViewer})
	b.add(t, "bob", roles.OrgAdmin, ws{tn.wb.ID, roles.WorkspaceContributor})
	a.add(t, "carol", roles.OrgMember, ws{tn.wa.ID, roles.WorkspaceViewer})
	b.add(t, "carol", roles.OrgMember, ws{tn.wb.ID, roles.WorkspaceViewer})
	return tn
}

// testIsolation checks that an ID from another organization is not found
// and never acted on.
func testIsolation(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("WorkspaceOfAnotherOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		tn := newTenants(t, newStore)
		a, wb := tn.a, tn.wb.ID
		beforeA, beforeB := a.snap(t), tn.b.snap(t)
		calls := map[string]func() error{
			"Workspace": func() error {
				_, err := a.svc.Workspace(a.ctx, a.owner, a.org.ID, wb)
				return err
			},
			"RenameWorkspace": func() error {
				_, err := a.svc.RenameWorkspace(a.ctx, a.owner, a.org.ID, wb, "Stolen")
				return err
			},
			"DeleteWorkspace": func() error { return a.svc.DeleteWorkspace(a.ctx, a.owner, a.org.ID, wb) },
			"SetWorkspaceAccess": func() error {
				_, err := a.svc.SetWorkspaceAccess(a.ctx, a.owner, a.org.ID, wb, "alice", roles.WorkspaceAdmin)
				return err
			},
			"SetWorkspaceAccessOfAMemberOfBoth": func() error {
				_, err := a.svc.SetWorkspaceAccess(a.ctx, a.owner, a.org.ID, wb, "carol", roles.WorkspaceAdmin)
				return err
			},
			"RemoveWorkspaceAccessOfAMemberOfBoth": func() error {
				return a.svc.RemoveWorkspaceAccess(a.ctx, a.owner, a.org.ID, wb, "carol")
			},
			"WorkspaceMembers": func() error {
				_, _, err := a.svc.WorkspaceMembers(a.ctx, a.owner, a.org.ID, wb, storage.Page{})
				return err
			},
			"AddMember": func() error {
				_, err := a.svc.AddMember(a.ctx, a.owner, a.org.ID, membership.NewMember{UserID: "carl", Email: email("carl"),
					Workspaces: map[uuid.UUID]roles.Role{wb: roles.WorkspaceAdmin}})
				return err
			},
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, membership.ErrNotFound) {
				t.Errorf("%s with a workspace of another organization: got %v, want ErrNotFound", name, err)
			}
		}
		ms, _, err := a.svc.Members(a.ctx, a.owner, a.org.ID, membership.MemberFilter{Workspace: wb}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(ms), 0)                            // filtering by a foreign workspace lists nobody
		is.True(!a.can(t, a.owner, wb, roles.PermView)) // even an owner of both, through the wrong organization
		is.True(!a.can(t, "alice", wb, roles.PermView))
		is.True(!a.can(t, "carol", wb, roles.PermView)) // carol's access to wb is B's, not A's
		a.unchanged(t, beforeA)
		tn.b.unchanged(t, beforeB)
		got, err := tn.b.svc.Workspace(tn.b.ctx, tn.b.owner, tn.b.org.ID, wb)
		is.NoErr(err)
		is.Equal(got.Name, "Shared name")
	})

	t.Run("UserOfAnotherOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		tn := newTenants(t, newStore)
		a, wa := tn.a, tn.wa.ID
		beforeA, beforeB := a.snap(t), tn.b.snap(t)
		calls := map[string]func() error{
			"Member": func() error {
				_, err := a.svc.Member(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
			"MemberAccess": func() error {
				_, err := a.svc.MemberAccess(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
			"ChangeRole": func() error {
				_, err := a.svc.ChangeRole(a.ctx, a.owner, a.org.ID, "bob", roles.OrgMember)
				return err
			},
			"ChangeRoles": func() error {
				_, err := a.svc.ChangeRoles(a.ctx, a.owner, a.org.ID, []membership.RoleChange{{UserID: "bob", Role: roles.OrgMember}})
				return err
			},
			"SetGrants": func() error {
				_, err := a.svc.SetGrants(a.ctx, a.owner, a.org.ID, "bob", roles.Grants(roles.PermBilling))
				return err
			},
			"SetWorkspaceAccess": func() error {
				_, err := a.svc.SetWorkspaceAccess(a.ctx, a.owner, a.org.ID, wa, "bob", roles.WorkspaceViewer)
				return err
			},
			"RemoveMember":      func() error { return a.svc.RemoveMember(a.ctx, a.owner, a.org.ID, "bob") },
			"RemoveMembers":     func() error { return a.svc.RemoveMembers(a.ctx, a.owner, a.org.ID, []string{"bob"}) },
			"TransferOwnership": func() error { return a.svc.TransferOwnership(a.ctx, a.owner, a.org.ID, "bob") },
			"Leave":             func() error { return a.svc.Leave(a.ctx, "bob", a.org.ID) },
			"SetSSO": func() error {
				_, err := a.svc.SetSSO(a.ctx, a.owner, a.org.ID, "bob", true)
				return err
			},
			"AssignLicence": func() error {
				_, err := a.svc.AssignLicence(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
			"UnassignLicence": func() error {
				_, err := a.svc.UnassignLicence(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
			"Deactivate": func() error {
				_, err := a.svc.Deactivate(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
			"Reactivate": func() error {
				_, err := a.svc.Reactivate(a.ctx, a.owner, a.org.ID, "bob")
				return err
			},
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, membership.ErrNotFound) {
				t.Errorf("%s of a member of another organization: got %v, want ErrNotFound", name, err)
			}
		}
		is.True(!a.can(t, "bob", wa, roles.PermView))
		is.True(!a.canOrg(t, "bob", roles.PermViewMembers))
		a.unchanged(t, beforeA)
		tn.b.unchanged(t, beforeB)
		is.True(tn.b.can(t, "bob", tn.wb.ID, roles.PermManagePeople)) // bob is untouched where he belongs
	})

	t.Run("MembersOfOneOrganizationCannotActOnAnother", func(t *testing.T) {
		t.Parallel()
		tn := newTenants(t, newStore)
		a := tn.a
		boss := newFixture(t, newStore, onStore(a.st), ownedBy("boss"))
		before := a.snap(t)
		for _, actor := range []string{"bob", boss.owner} {
			_, err := a.svc.AddMember(a.ctx, actor, a.org.ID, membership.NewMember{UserID: "carl", Email: email("carl")})
			wantErr(t, err, membership.ErrForbidden)
			wantErr(t, a.svc.RemoveMember(a.ctx, actor, a.org.ID, "alice"), membership.ErrForbidden)
			_, err = a.svc.CreateWorkspace(a.ctx, actor, a.org.ID, "Mine")
			wantErr(t, err, membership.ErrForbidden)
			_, _, err = a.svc.Members(a.ctx, actor, a.org.ID, membership.MemberFilter{}, storage.Page{})
			wantErr(t, err, membership.ErrForbidden)
			_, _, err = a.svc.Audit(a.ctx, actor, a.org.ID, membership.AuditFilter{}, storage.Page{})
			wantErr(t, err, membership.ErrForbidden)
			wantErr(t, a.svc.DeleteOrganization(a.ctx, actor, a.org.ID), membership.ErrForbidden)
		}
		a.unchanged(t, before)
	})

	t.Run("ListsStayInsideTheOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		tn := newTenants(t, newStore)
		a := tn.a
		ms, _, err := a.svc.Members(a.ctx, a.owner, a.org.ID, membership.MemberFilter{}, storage.Page{})
		is.NoErr(err)
		for _, m := range ms {
			is.Equal(m.OrgID, a.org.ID)
			is.True(m.UserID != "bob")
		}
		is.Equal(len(ms), 3) // owner, alice and carol
		wss, _, err := a.svc.Workspaces(a.ctx, a.owner, a.org.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(wss), 1)
		is.Equal(wss[0].ID, tn.wa.ID)
		es, _, err := a.svc.Audit(a.ctx, a.owner, a.org.ID, membership.AuditFilter{}, storage.Page{Limit: storage.MaxPageSize})
		is.NoErr(err)
		for _, e := range es {
			is.Equal(e.OrgID, a.org.ID)
			is.True(e.Target != "bob")
		}
		wms, _, err := a.svc.WorkspaceMembers(a.ctx, a.owner, a.org.ID, tn.wa.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(wms), 3) // the owner (implicit), alice and carol
		is.Equal(wms[0].UserID, a.owner)
		is.Equal(wms[1].UserID, "alice")
		is.Equal(wms[2].UserID, "carol")
	})

	t.Run("TheSameUserInTwoOrganizationsIsTwoMemberships", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		tn := newTenants(t, newStore)
		a, b := tn.a, tn.b
		_, err := a.svc.ChangeRole(a.ctx, a.owner, a.org.ID, "carol", roles.OrgAdmin)
		is.NoErr(err)
		is.Equal(b.member(t, "carol").Role, roles.OrgMember) // promoted in A only
		_, err = b.svc.Deactivate(b.ctx, b.owner, b.org.ID, "carol")
		is.NoErr(err)
		is.True(a.can(t, "carol", tn.wa.ID, roles.PermDelete)) // deactivated in B only
		is.NoErr(a.svc.RemoveMember(a.ctx, a.owner, a.org.ID, "carol"))
		is.True(b.isMember(t, "carol")) // removed from A only
		is.Equal(b.member(t, "carol").Role, roles.OrgMember)
		is.Equal(b.access(t, "carol"), map[uuid.UUID]roles.Role{tn.wb.ID: roles.WorkspaceViewer})
		_, err = b.svc.Reactivate(b.ctx, b.owner, b.org.ID, "carol")
		is.NoErr(err)
		is.True(b.can(t, "carol", tn.wb.ID, roles.PermView))
		is.True(!a.can(t, "carol", tn.wa.ID, roles.PermView))
	})
}
