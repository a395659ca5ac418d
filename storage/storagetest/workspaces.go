package storagetest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testWorkspaces checks creating, renaming, deleting and reading workspaces
// through the Service.
func testWorkspaces(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AdminCreatesRenamesAndDeletesWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "admin", roles.OrgAdmin)
		f.clk.Advance(time.Minute)
		w, err := f.svc.CreateWorkspace(f.ctx, "admin", f.org.ID, "Marketing")
		is.NoErr(err)
		is.True(w.ID != uuid.Nil)
		is.Equal(w.OrgID, f.org.ID)
		is.Equal(w.Name, "Marketing")
		is.True(w.CreatedAt.Equal(start.Add(time.Minute))) // CreatedAt comes from the clock
		got, err := f.svc.Workspace(f.ctx, "admin", f.org.ID, w.ID)
		is.NoErr(err)
		is.Equal(got.Name, "Marketing")

		renamed, err := f.svc.RenameWorkspace(f.ctx, "admin", f.org.ID, w.ID, "Brand")
		is.NoErr(err)
		is.Equal(renamed.Name, "Brand")
		got, err = f.svc.Workspace(f.ctx, "admin", f.org.ID, w.ID)
		is.NoErr(err)
		is.Equal(got.Name, "Brand")

		is.NoErr(f.svc.DeleteWorkspace(f.ctx, "admin", f.org.ID, w.ID))
		_, err = f.svc.Workspace(f.ctx, "admin", f.org.ID, w.ID)
		wantErr(t, err, membership.ErrNotFound)
		wantErr(t, f.svc.DeleteWorkspace(f.ctx, "admin", f.org.ID, w.ID), membership.ErrNotFound)
		_, err = f.svc.RenameWorkspace(f.ctx, "admin", f.org.ID, w.ID, "Ghost")
		wantErr(t, err, membership.ErrNotFound)
	})

	t.Run("MembersCannotManageWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceAdmin})
		f.add(t, "guest", roles.OrgGuest, ws{w.ID, roles.WorkspaceViewer})
		before := f.snap(t)
		for _, actor := range []string{"alice", "guest", "stranger"} {
			_, err := f.svc.CreateWorkspace(f.ctx, actor, f.org.ID, "Mine")
			wantErr(t, err, membership.ErrForbidden)
			_, err = f.svc.RenameWorkspace(f.ctx, actor, f.org.ID, w.ID, "Mine")
			wantErr(t, err, membership.ErrForbidden)
			wantErr(t, f.svc.DeleteWorkspace(f.ctx, actor, f.org.ID, w.ID), membership.ErrForbidden)
		}
		f.unchanged(t, before)
		_, err := f.svc.Workspace(f.ctx, "stranger", f.org.ID, w.ID)
		wantErr(t, err, membership.ErrForbidden) // strangers read nothing
		_, _, err = f.svc.Workspaces(f.ctx, "stranger", f.org.ID, storage.Page{})
		wantErr(t, err, membership.ErrForbidden)
		is.True(f.can(t, "alice", w.ID, roles.PermView))
	})

	t.Run("WorkspaceNamesAreUniqueInAnOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		other := newFixture(t, newStore, onStore(f.st))
		f.workspace(t, "Marketing")
		b := f.workspace(t, "Sales")
		before := f.snap(t)
		_, err := f.svc.CreateWorkspace(f.ctx, f.owner, f.org.ID, "Marketing")
		wantErr(t, err, membership.ErrConflict)
		_, err = f.svc.RenameWorkspace(f.ctx, f.owner, f.org.ID, b.ID, "Marketing")
		wantErr(t, err, membership.ErrConflict)
		f.unchanged(t, before)
		_, err = other.svc.CreateWorkspace(other.ctx, other.owner, other.org.ID, "Marketing")
		is.NoErr(err) // the same name in another organization
	})

	t.Run("InvalidWorkspaceNamesAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		before := f.snap(t)
		for _, name := range []string{"", strings.Repeat("n", 5000), "bad\xffname"} {
			_, err := f.svc.CreateWorkspace(f.ctx, f.owner, f.org.ID, name)
			wantErr(t, err, membership.ErrInvalidInput)
			_, err = f.svc.RenameWorkspace(f.ctx, f.owner, f.org.ID, w.ID, name)
			wantErr(t, err, membership.ErrInvalidInput)
		}
		_, err := f.svc.CreateWorkspace(f.ctx, f.owner, uuid.Nil, "Fine")
		wantErr(t, err, membership.ErrInvalidInput)
		_, err = f.svc.RenameWorkspace(f.ctx, f.owner, f.org.ID, uuid.Nil, "Fine")
		wantErr(t, err, membership.ErrInvalidInput)
		wantErr(t, f.svc.DeleteWorkspace(f.ctx, f.owner, f.org.ID, uuid.Nil), membership.ErrInvalidInput)
		_, err = f.svc.CreateWorkspace(f.ctx, f.owner, newID(), "Fine")
		wantErr(t, err, membership.ErrNotFound)
		f.unchanged(t, before)
	})

	t.Run("WorkspaceNamesWithInvisibleOrDirectionChangingCharactersAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		before := f.snap(t)
		for _, name := range hostileNames {
			_, err := f.svc.CreateWorkspace(f.ctx, f.owner, f.org.ID, name)
			wantErr(t, err, membership.ErrInvalidInput)
			_, err = f.svc.RenameWorkspace(f.ctx, f.owner, f.org.ID, w.ID, name)
			wantErr(t, err, membership.ErrInvalidInput)
		}
		f.unchanged(t, before)
	})

	t.Run("DeletingAWorkspaceRevokesItsAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceContributor}, ws{b.ID, roles.WorkspaceViewer})
		is.True(f.can(t, "alice", a.ID, roles.PermUploadVideo))
		is.NoErr(f.svc.DeleteWorkspace(f.ctx, f.owner, f.org.ID, a.ID))
		is.True(!f.can(t, "alice", a.ID, roles.PermView)) // the next check denies
		acc := f.access(t, "alice")
		is.Equal(len(acc), 1)
		is.Equal(acc[b.ID], roles.WorkspaceViewer)
		// A new workspace with the old name does not inherit the old access.
		again := f.workspace(t, "A")
		is.True(!f.can(t, "alice", again.ID, roles.PermView))
	})

	t.Run("WorkspacesListsTheOrganizationsWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		other := newFixture(t, newStore, onStore(f.st))
		other.workspace(t, "Elsewhere")
		var want []uuid.UUID
		for _, n := range []string{"d", "a", "c", "b", "e"} {
			want = append(want, f.workspace(t, n).ID)
		}
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			wss, next, err := f.svc.Workspaces(f.ctx, f.owner, f.org.ID, page)
			is.NoErr(err)
			for _, w := range wss {
				is.Equal(w.OrgID, f.org.ID)
				got = append(got, w.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want)
	})

	t.Run("WorkspaceMembersListsExplicitAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "carl", roles.OrgMember, ws{a.ID, roles.WorkspaceViewer})
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceAdmin})
		f.add(t, "bob", roles.OrgMember, ws{b.ID, roles.WorkspaceContributor})
		var got []string
		page := storage.Page{Limit: 1}
		for {
			wms, next, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, a.ID, page)
			is.NoErr(err)
			for _, m := range wms {
				got = append(got, m.UserID+"="+string(m.WorkspaceRole))
				is.Equal(m.OrgID, f.org.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		// The owner first (implicit, as every owner and admin), then explicit
		// access by user ID, with the workspace roles.
		is.Equal(got, []string{f.owner + "=admin", "alice=admin", "carl=viewer"})
		_, _, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, newID(), storage.Page{})
		wantErr(t, err, membership.ErrNotFound)
	})
}
