package storagetest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// workspacePerms are the built-in workspace permissions of the default
// catalog.
var workspacePerms = []roles.Permission{
	roles.PermView, roles.PermComment, roles.PermUploadVideo, roles.PermEdit, roles.PermShare, roles.PermDelete,
	roles.PermViewAnalytics, roles.PermManageFolders, roles.PermManagePeople, roles.PermAdvancedTools, roles.PermLiveEvents,
}

// testChecks checks Can and CanOrg.
func testChecks(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("OwnersAndAdminsAreAdminsOfEveryWorkspacePresentAndFuture", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		present := f.workspace(t, "Present")
		f.add(t, "admin", roles.OrgAdmin)
		future := f.workspace(t, "Future")
		for _, u := range []string{f.owner, "admin"} {
			for _, w := range []membership.Workspace{present, future} {
				for _, p := range workspacePerms {
					if !f.can(t, u, w.ID, p) {
						t.Errorf("%s may not %s in %s", u, p, w.Name)
					}
				}
			}
			is.Equal(len(f.access(t, u)), 0) // without any access row
		}
	})

	t.Run("MembersReachWorkspacesOnlyThroughAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceContributor})
		is.True(f.can(t, "alice", a.ID, roles.PermView))
		is.True(f.can(t, "alice", a.ID, roles.PermUploadVideo))
		is.True(f.can(t, "alice", a.ID, roles.PermViewAnalytics))
		is.True(!f.can(t, "alice", a.ID, roles.PermDelete))        // contributors do not delete
		is.True(!f.can(t, "alice", a.ID, roles.PermManagePeople))  // nor manage people
		is.True(!f.can(t, "alice", a.ID, roles.PermAdvancedTools)) // that is contributor_plus
		for _, p := range workspacePerms {
			if f.can(t, "alice", b.ID, p) {
				t.Errorf("alice may %s in a workspace she has no access to", p)
			}
		}
		is.True(f.canOrg(t, "alice", roles.PermViewMembers))
		is.True(!f.canOrg(t, "alice", roles.PermManageMembers))
		is.True(!f.canOrg(t, "alice", roles.PermBilling))
	})

	t.Run("EachWorkspaceRoleHoldsItsPermissions", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		cat := roles.Default()
		for _, def := range cat.WorkspaceRoles() {
			user := "user-" + string(def.Name)
			f.add(t, user, roles.OrgMember, ws{w.ID, def.Name})
			for _, p := range workspacePerms {
				want := def.Perms.Has(p)
				if got := f.can(t, user, w.ID, p); got != want {
					t.Errorf("workspace %s: Can(%s) = %v, want %v", def.Name, p, got, want)
				}
			}
		}
	})

	t.Run("GuestsSeeOnlyWhatWasShared", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "guest", roles.OrgGuest, ws{a.ID, roles.WorkspaceViewer})
		is.True(f.can(t, "guest", a.ID, roles.PermView))
		is.True(!f.can(t, "guest", a.ID, roles.PermUploadVideo))
		is.True(!f.can(t, "guest", b.ID, roles.PermView))
		is.True(!f.canOrg(t, "guest", roles.PermViewMembers))
		is.True(!f.canOrg(t, "guest", roles.PermInvite))
	})

	t.Run("GrantsAddOrganizationPermissions", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "alice", roles.OrgMember)
		is.True(!f.canOrg(t, "alice", roles.PermBilling))
		_, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermBilling))
		is.NoErr(err)
		is.True(f.canOrg(t, "alice", roles.PermBilling))
		is.True(!f.canOrg(t, "alice", roles.PermAPIAccess)) // only what was granted
	})

	t.Run("ChangesApplyToTheNextCheck", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember)
		is.True(!f.can(t, "alice", w.ID, roles.PermDelete))
		_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.OrgAdmin)
		is.NoErr(err)
		is.True(f.can(t, "alice", w.ID, roles.PermDelete)) // promoted: admin of every workspace
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.OrgMember)
		is.NoErr(err)
		is.True(!f.can(t, "alice", w.ID, roles.PermView)) // demoted: back to explicit access only
	})

	t.Run("StrangersAndUnknownWorkspacesAreDenied", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		other := newFixture(t, newStore, onStore(f.st))
		ow := other.workspace(t, "Other")
		is.True(!f.can(t, "stranger", w.ID, roles.PermView))
		is.True(!f.canOrg(t, "stranger", roles.PermViewMembers))
		is.True(!f.can(t, f.owner, newID(), roles.PermView)) // a workspace that does not exist
		is.True(!f.can(t, f.owner, ow.ID, roles.PermView))   // a workspace of another organization
		is.True(!canIn(t, f.ctx, f.svc, newID(), f.owner, w.ID, roles.PermView))
	})

	t.Run("AZeroWorkspaceOrAWorkspacePermissionAtOrgScopeIsAnError", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		_, err := f.svc.Can(f.ctx, f.org.ID, f.owner, uuid.Nil, roles.PermView)
		wantErr(t, err, membership.ErrInvalidInput)
		_, err = f.svc.CanOrg(f.ctx, f.org.ID, f.owner, roles.PermView)
		wantErr(t, err, membership.ErrInvalidRole)
	})
}
