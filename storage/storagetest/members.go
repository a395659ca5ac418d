package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testMembers checks adding, changing and removing members through the
// Service, and the invariants that guard them.
func testMembers(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AddMemberStoresTheMember", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.clk.Advance(time.Minute)
		m, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{
			UserID: "alice", Email: "alice@example.com", Name: "Alice",
			Grants: roles.Grants(roles.PermInvite), SSO: true,
			Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor},
		})
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember) // "" is the catalog's default role
		stored := f.member(t, "alice")
		for _, got := range []membership.Member{m, stored} {
			is.Equal(got.OrgID, f.org.ID)
			is.Equal(got.UserID, "alice")
			is.Equal(got.Email, "alice@example.com")
			is.Equal(got.Name, "Alice")
			is.Equal(got.Role, roles.OrgMember)
			is.Equal(got.Kind, membership.KindCoworker)
			is.Equal(got.Grants, roles.Grants(roles.PermInvite))
			is.Equal(got.SSO, true)
			is.Equal(got.Deactivated, false)
			is.Equal(got.InvitedBy, f.owner)
			is.True(got.JoinedAt.Equal(start.Add(time.Minute))) // JoinedAt comes from the clock
		}
		is.Equal(f.access(t, "alice"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor})
		got, err := f.svc.Member(f.ctx, f.owner, f.org.ID, "alice")
		is.NoErr(err)
		is.Equal(got.Email, "alice@example.com")
		acc, err := f.svc.MemberAccess(f.ctx, f.owner, f.org.ID, "alice")
		is.NoErr(err)
		is.Equal(len(acc), 1)
		is.Equal(acc[0].Role, roles.WorkspaceContributor)
		is.Equal(acc[0].GrantedBy, f.owner)
		_, err = f.svc.Member(f.ctx, f.owner, f.org.ID, "ghost")
		wantErr(t, err, membership.ErrNotFound)
	})

	t.Run("AddingAMemberTwiceIsAConflict", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		f.add(t, "alice", roles.OrgMember)
		before := f.snap(t)
		for _, user := range []string{"alice", f.owner} {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: user, Email: email(user), Role: roles.OrgAdmin})
			wantErr(t, err, membership.ErrConflict)
		}
		f.unchanged(t, before)
	})

	t.Run("InvalidMembersAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		other := newFixture(t, newStore, onStore(f.st))
		ow := other.workspace(t, "W")
		long := strings.Repeat("x", 5000)
		ok := func(nm membership.NewMember) membership.NewMember {
			if nm.UserID == "" {
				nm.UserID = "newbie"
			}
			if nm.Email == "" {
				nm.Email = email("newbie")
			}
			return nm
		}
		before := f.snap(t)
		for _, c := range []struct {
			name string
			nm   membership.NewMember
			want error
		}{
			{"EmptyUserID", membership.NewMember{UserID: "", Email: email("newbie")}, membership.ErrInvalidInput},
			{"InvalidUTF8UserID", ok(membership.NewMember{UserID: "bad\xffid"}), membership.ErrInvalidInput},
			{"OverLongUserID", ok(membership.NewMember{UserID: long}), membership.ErrInvalidInput},
			{"InvalidEmail", ok(membership.NewMember{Email: "not-an-email"}), membership.ErrInvalidInput},
			{"InvalidUTF8Email", ok(membership.NewMember{Email: "bad\xff@example.com"}), membership.ErrInvalidInput},
			{"OverLongName", ok(membership.NewMember{Name: long}), membership.ErrInvalidInput},
			{"InvalidUTF8Name", ok(membership.NewMember{Name: "bad\xffname"}), membership.ErrInvalidInput},
			{"UnknownRole", ok(membership.NewMember{Role: "superuser"}), membership.ErrInvalidRole},
			{"WorkspaceRoleAsOrgRole", ok(membership.NewMember{Role: roles.WorkspaceContributor}), membership.ErrInvalidRole},
			{"UnknownWorkspaceRole", ok(membership.NewMember{Workspaces: map[uuid.UUID]roles.Role{w.ID: "superuser"}}), membership.ErrInvalidRole},
			{"OrgRoleAsWorkspaceRole", ok(membership.NewMember{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.OrgOwner}}), membership.ErrInvalidRole},
			{"WorkspacePermissionAsGrant", ok(membership.NewMember{Grants: roles.Grants(roles.PermUploadVideo)}), membership.ErrInvalidRole},
			{"UndefinedPermissionAsGrant", ok(membership.NewMember{Grants: roles.Grants(roles.MaxPermission)}), membership.ErrInvalidRole},
			{"UnknownWorkspace", ok(membership.NewMember{Workspaces: map[uuid.UUID]roles.Role{newID(): roles.WorkspaceViewer}}), membership.ErrNotFound},
			{"WorkspaceOfAnotherOrganization", ok(membership.NewMember{Workspaces: map[uuid.UUID]roles.Role{ow.ID: roles.WorkspaceViewer}}), membership.ErrNotFound},
			{"ZeroWorkspaceID", ok(membership.NewMember{Workspaces: map[uuid.UUID]roles.Role{uuid.Nil: roles.WorkspaceViewer}}), membership.ErrInvalidInput},
		} {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, c.nm)
			if err == nil {
				t.Fatalf("%s: AddMember succeeded, want %v", c.name, c.want)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("%s: AddMember: got %q, want %v", c.name, err, c.want)
			}
		}
		_, err := f.svc.AddMember(f.ctx, f.owner, uuid.Nil, ok(membership.NewMember{}))
		wantErr(t, err, membership.ErrInvalidInput)
		_, err = f.svc.AddMember(f.ctx, f.owner, newID(), ok(membership.NewMember{}))
		wantErr(t, err, membership.ErrNotFound)
		f.unchanged(t, before)
		is.New(t).True(!f.isMember(t, "newbie"))
	})

	t.Run("AddMemberRefusesEveryAddressAnInvitationRefuses", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		before := f.snap(t)
		for i, addr := range []string{
			"bob@-bad-.com",          // hyphen at a label's edge
			"bob@bad-.com",           // hyphen at a label's edge
			"bob@\u0430cme.com",      // Cyrillic а among Latin letters
			"bob@xn--cme-5cd.com",    // the same, typed as punycode
			"bob@exa_mple.com",       // underscore
			"bob@acme..com",          // empty label
			"bob@127.0.0.1",          // numeric top-level label
			"bob@[127.0.0.1]",        // IP literal
			"bob@localhost",          // single label
			"\"bob smith\"@acme.com", // quoted local part
			"bob\u200b@acme.com",     // zero-width space
			"bob@xn--ls8h.la",        // emoji domain
			"Bob <bob@acme.com>",     // a display name is not an address
			" bob@acme.com",          // surrounding space
		} {
			user := fmt.Sprintf("user%d", i)
			_, err := invite.ParseEmail(addr)
			if err == nil && strings.TrimSpace(addr) == addr && !strings.Contains(addr, "<") {
				t.Fatalf("%q: the invitation parser accepts it; the case is wrong", addr)
			}
			_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: user, Email: addr})
			wantErr(t, err, membership.ErrInvalidInput)
			wantErr(t, err, invite.ErrInvalidEmail) // one sentinel for a bad address, whichever package refuses it
			is.True(!strings.Contains(err.Error(), "\u200b"))
			_, err = f.svc.CreateOrganization(f.ctx, user, membership.NewOrganization{Name: "Acme", Slug: uniq("acme"), OwnerEmail: addr})
			wantErr(t, err, membership.ErrInvalidInput)
			wantErr(t, err, invite.ErrInvalidEmail)
			orgs, _, err := f.st.UserOrganizations(f.ctx, user, storage.Page{})
			is.NoErr(err)
			is.Equal(len(orgs), 0) // no organization was created
		}
		f.unchanged(t, before)
		for i, addr := range []string{"bob@acme.com", "Bob.Smith+tag@Sub.Acme.io", "bob@bücher.de", "иван@пример.рф", "田中@例え.jp"} {
			_, err := invite.ParseEmail(addr)
			is.NoErr(err)
			_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: fmt.Sprintf("ok%d", i), Email: addr})
			is.NoErr(err) // what an invitation accepts, AddMember accepts
		}
	})

	t.Run("NamesWithInvisibleOrDirectionChangingCharactersAreRejected", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		before := f.snap(t)
		for _, name := range hostileNames {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "newbie", Email: email("newbie"), Name: name})
			wantErr(t, err, membership.ErrInvalidInput)
			is.True(!strings.ContainsAny(err.Error(), "\u202e\u2066\u200b\ufeff")) // the message is safe to show
		}
		f.unchanged(t, before)
		is.True(!f.isMember(t, "newbie"))
	})

	t.Run("InvalidChangesAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.snap(t)
		_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", "superuser")
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.WorkspaceContributor)
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "ghost", roles.OrgAdmin)
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "", roles.OrgAdmin)
		wantErr(t, err, membership.ErrInvalidInput)
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermDelete))
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "ghost", roles.Grants(roles.PermInvite))
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", "superuser")
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", roles.OrgOwner)
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, newID(), "alice", roles.WorkspaceViewer)
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "ghost", roles.WorkspaceViewer)
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, uuid.Nil, "alice", roles.WorkspaceViewer)
		wantErr(t, err, membership.ErrInvalidInput)
		wantErr(t, f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, newID(), "alice"), membership.ErrNotFound)
		wantErr(t, f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "ghost"), membership.ErrNotFound)
		wantErr(t, f.svc.RemoveMember(f.ctx, f.owner, uuid.Nil, "alice"), membership.ErrInvalidInput)
		for name, call := range map[string]func() (membership.Member, error){
			"SetSSO":          func() (membership.Member, error) { return f.svc.SetSSO(f.ctx, f.owner, f.org.ID, "ghost", true) },
			"AssignLicence":   func() (membership.Member, error) { return f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, "ghost") },
			"UnassignLicence": func() (membership.Member, error) { return f.svc.UnassignLicence(f.ctx, f.owner, f.org.ID, "ghost") },
			"Deactivate":      func() (membership.Member, error) { return f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "ghost") },
			"Reactivate":      func() (membership.Member, error) { return f.svc.Reactivate(f.ctx, f.owner, f.org.ID, "ghost") },
		} {
			if _, err := call(); !errors.Is(err, membership.ErrNotFound) {
				t.Fatalf("%s of a non-member: got %v, want ErrNotFound", name, err)
			}
		}
		f.unchanged(t, before)
	})

	t.Run("ZeroOrganizationIDIsInvalidInput", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.snap(t)
		z, o := uuid.Nil, f.owner
		name := "Name"
		calls := map[string]func() error{
			"UpdateOrganization": func() error {
				_, err := f.svc.UpdateOrganization(f.ctx, o, z, membership.OrganizationUpdate{Name: &name})
				return err
			},
			"DeleteOrganization": func() error { return f.svc.DeleteOrganization(f.ctx, o, z) },
			"CreateWorkspace": func() error {
				_, err := f.svc.CreateWorkspace(f.ctx, o, z, "X")
				return err
			},
			"RenameWorkspace": func() error {
				_, err := f.svc.RenameWorkspace(f.ctx, o, z, w.ID, "X")
				return err
			},
			"DeleteWorkspace": func() error { return f.svc.DeleteWorkspace(f.ctx, o, z, w.ID) },
			"Workspace": func() error {
				_, err := f.svc.Workspace(f.ctx, o, z, w.ID)
				return err
			},
			"Workspaces": func() error {
				_, _, err := f.svc.Workspaces(f.ctx, o, z, storage.Page{})
				return err
			},
			"AddMember": func() error {
				_, err := f.svc.AddMember(f.ctx, o, z, membership.NewMember{UserID: "bob", Email: email("bob")})
				return err
			},
			"ChangeRole": func() error {
				_, err := f.svc.ChangeRole(f.ctx, o, z, "alice", roles.OrgAdmin)
				return err
			},
			"ChangeRoles": func() error {
				_, err := f.svc.ChangeRoles(f.ctx, o, z, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}})
				return err
			},
			"SetGrants": func() error {
				_, err := f.svc.SetGrants(f.ctx, o, z, "alice", 0)
				return err
			},
			"SetWorkspaceAccess": func() error {
				_, err := f.svc.SetWorkspaceAccess(f.ctx, o, z, w.ID, "alice", roles.WorkspaceAdmin)
				return err
			},
			"RemoveWorkspaceAccess": func() error { return f.svc.RemoveWorkspaceAccess(f.ctx, o, z, w.ID, "alice") },
			"RemoveMember":          func() error { return f.svc.RemoveMember(f.ctx, o, z, "alice") },
			"RemoveMembers":         func() error { return f.svc.RemoveMembers(f.ctx, o, z, []string{"alice"}) },
			"Leave":                 func() error { return f.svc.Leave(f.ctx, "alice", z) },
			"TransferOwnership":     func() error { return f.svc.TransferOwnership(f.ctx, o, z, "alice") },
			"SetSSO": func() error {
				_, err := f.svc.SetSSO(f.ctx, o, z, "alice", true)
				return err
			},
			"AssignLicence": func() error {
				_, err := f.svc.AssignLicence(f.ctx, o, z, "alice")
				return err
			},
			"UnassignLicence": func() error {
				_, err := f.svc.UnassignLicence(f.ctx, o, z, "alice")
				return err
			},
			"Deactivate": func() error {
				_, err := f.svc.Deactivate(f.ctx, o, z, "alice")
				return err
			},
			"Reactivate": func() error {
				_, err := f.svc.Reactivate(f.ctx, o, z, "alice")
				return err
			},
			"Member": func() error {
				_, err := f.svc.Member(f.ctx, o, z, "alice")
				return err
			},
			"Members": func() error {
				_, _, err := f.svc.Members(f.ctx, o, z, membership.MemberFilter{}, storage.Page{})
				return err
			},
			"WorkspaceMembers": func() error {
				_, _, err := f.svc.WorkspaceMembers(f.ctx, o, z, w.ID, storage.Page{})
				return err
			},
			"MemberAccess": func() error {
				_, err := f.svc.MemberAccess(f.ctx, o, z, "alice")
				return err
			},
			"Audit": func() error {
				_, _, err := f.svc.Audit(f.ctx, o, z, membership.AuditFilter{}, storage.Page{})
				return err
			},
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, membership.ErrInvalidInput) {
				t.Errorf("%s with a zero organization ID: got %v, want ErrInvalidInput", name, err)
			}
		}
		for name, check := range map[string]func() (bool, error){
			"Can":    func() (bool, error) { return f.svc.Can(f.ctx, z, "alice", w.ID, roles.PermView) },
			"CanOrg": func() (bool, error) { return f.svc.CanOrg(f.ctx, z, "alice", roles.PermViewMembers) },
		} {
			if ok, err := check(); ok {
				t.Errorf("%s with a zero organization ID allowed (error %v)", name, err)
			}
		}
		f.unchanged(t, before)
	})

	t.Run("NonMembersAndDeactivatedMembersCannotAct", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.add(t, "sleepy", roles.OrgAdmin)
		_, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "sleepy")
		is.NoErr(err)
		before := f.snap(t)
		for _, actor := range []string{"stranger", "sleepy", ""} {
			// A non-member or deactivated actor is forbidden; an empty one
			// is malformed input, refused before anything is read.
			want := membership.ErrForbidden
			if actor == "" {
				want = membership.ErrInvalidInput
			}
			calls := map[string]func() error{
				"AddMember": func() error {
					_, err := f.svc.AddMember(f.ctx, actor, f.org.ID, membership.NewMember{UserID: "newbie", Email: email("newbie")})
					return err
				},
				"ChangeRole": func() error {
					_, err := f.svc.ChangeRole(f.ctx, actor, f.org.ID, "alice", roles.OrgAdmin)
					return err
				},
				"ChangeRoles": func() error {
					_, err := f.svc.ChangeRoles(f.ctx, actor, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}})
					return err
				},
				"SetGrants": func() error {
					_, err := f.svc.SetGrants(f.ctx, actor, f.org.ID, "alice", roles.Grants(roles.PermInvite))
					return err
				},
				"SetWorkspaceAccess": func() error {
					_, err := f.svc.SetWorkspaceAccess(f.ctx, actor, f.org.ID, w.ID, "alice", roles.WorkspaceAdmin)
					return err
				},
				"RemoveWorkspaceAccess": func() error { return f.svc.RemoveWorkspaceAccess(f.ctx, actor, f.org.ID, w.ID, "alice") },
				"RemoveMember":          func() error { return f.svc.RemoveMember(f.ctx, actor, f.org.ID, "alice") },
				"RemoveMembers":         func() error { return f.svc.RemoveMembers(f.ctx, actor, f.org.ID, []string{"alice"}) },
				"TransferOwnership":     func() error { return f.svc.TransferOwnership(f.ctx, actor, f.org.ID, "alice") },
				"SetSSO": func() error {
					_, err := f.svc.SetSSO(f.ctx, actor, f.org.ID, "alice", true)
					return err
				},
				"AssignLicence": func() error {
					_, err := f.svc.AssignLicence(f.ctx, actor, f.org.ID, "alice")
					return err
				},
				"Deactivate": func() error {
					_, err := f.svc.Deactivate(f.ctx, actor, f.org.ID, "alice")
					return err
				},
				"Reactivate": func() error {
					_, err := f.svc.Reactivate(f.ctx, actor, f.org.ID, "sleepy")
					return err
				},
				"CreateWorkspace": func() error {
					_, err := f.svc.CreateWorkspace(f.ctx, actor, f.org.ID, "Mine")
					return err
				},
				"Member": func() error {
					_, err := f.svc.Member(f.ctx, actor, f.org.ID, "alice")
					return err
				},
				"Members": func() error {
					_, _, err := f.svc.Members(f.ctx, actor, f.org.ID, membership.MemberFilter{}, storage.Page{})
					return err
				},
				"MemberAccess": func() error {
					_, err := f.svc.MemberAccess(f.ctx, actor, f.org.ID, "alice")
					return err
				},
				"WorkspaceMembers": func() error {
					_, _, err := f.svc.WorkspaceMembers(f.ctx, actor, f.org.ID, w.ID, storage.Page{})
					return err
				},
				"Audit": func() error {
					_, _, err := f.svc.Audit(f.ctx, actor, f.org.ID, membership.AuditFilter{}, storage.Page{})
					return err
				},
			}
			for name, call := range calls {
				err := call()
				if !errors.Is(err, want) {
					t.Errorf("%s by %q: got %v, want %v", name, actor, err, want)
				}
			}
		}
		f.unchanged(t, before)
	})

	t.Run("LastOwnerCannotBeRemovedDemotedDeactivatedOrLeave", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "admin", roles.OrgAdmin)
		before := f.snap(t)
		wantErr(t, f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, f.owner), membership.ErrLastOwner)
		wantErr(t, f.svc.RemoveMembers(f.ctx, f.owner, f.org.ID, []string{f.owner}), membership.ErrLastOwner)
		_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, f.owner, roles.OrgAdmin)
		wantErr(t, err, membership.ErrLastOwner)
		_, err = f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: f.owner, Role: roles.OrgMember}})
		wantErr(t, err, membership.ErrLastOwner)
		wantErr(t, f.svc.Leave(f.ctx, f.owner, f.org.ID), membership.ErrLastOwner)
		_, err = f.svc.Deactivate(f.ctx, f.owner, f.org.ID, f.owner)
		wantErr(t, err, membership.ErrLastOwner)
		f.unchanged(t, before)
		is.Equal(f.owners(t), 1)
		is.True(f.canOrg(t, f.owner, roles.PermManageMembers)) // still active
	})

	t.Run("AnOwnerLeavesOrStepsDownWhenAnotherRemains", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "second", roles.OrgOwner)
		m, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, f.owner, roles.OrgAdmin)
		is.NoErr(err) // another owner remains
		is.Equal(m.Role, roles.OrgAdmin)
		is.Equal(f.owners(t), 1)
		wantErr(t, f.svc.Leave(f.ctx, "second", f.org.ID), membership.ErrLastOwner)
		_, err = f.svc.ChangeRole(f.ctx, "second", f.org.ID, f.owner, roles.OrgOwner)
		is.NoErr(err)
		is.NoErr(f.svc.Leave(f.ctx, "second", f.org.ID))
		is.True(!f.isMember(t, "second"))
		is.Equal(f.owners(t), 1)
	})

	t.Run("DeactivatedOwnersDoNotCountAsOwners", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "second", roles.OrgOwner)
		_, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, "second")
		is.NoErr(err)
		before := f.snap(t)
		wantErr(t, f.svc.Leave(f.ctx, f.owner, f.org.ID), membership.ErrLastOwner)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, f.owner, roles.OrgAdmin)
		wantErr(t, err, membership.ErrLastOwner)
		_, err = f.svc.Deactivate(f.ctx, f.owner, f.org.ID, f.owner)
		wantErr(t, err, membership.ErrLastOwner)
		f.unchanged(t, before)
	})

	t.Run("OwnerTransfersOwnership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.add(t, "admin", roles.OrgAdmin)
		before := f.snap(t)
		wantErr(t, f.svc.TransferOwnership(f.ctx, "admin", f.org.ID, "alice"), membership.ErrForbidden)
		wantErr(t, f.svc.TransferOwnership(f.ctx, "alice", f.org.ID, "alice"), membership.ErrForbidden)
		wantErr(t, f.svc.TransferOwnership(f.ctx, f.owner, f.org.ID, "ghost"), membership.ErrNotFound)
		f.unchanged(t, before)

		is.NoErr(f.svc.TransferOwnership(f.ctx, f.owner, f.org.ID, "alice"))
		is.Equal(f.member(t, "alice").Role, roles.OrgOwner)
		is.Equal(f.member(t, f.owner).Role, roles.OrgAdmin) // the highest role below owner
		is.Equal(f.owners(t), 1)
		is.True(f.canOrg(t, "alice", roles.PermDeleteOrganization))
		is.True(!f.canOrg(t, f.owner, roles.PermDeleteOrganization))
		var audited bool
		for _, e := range f.audit(t) {
			audited = audited || (e.Action == membership.EventOwnershipTransfer && e.Actor == f.owner && !e.Denied)
		}
		is.True(audited) // ownership.transferred is audited
		// The former owner cannot take it back.
		wantErr(t, f.svc.TransferOwnership(f.ctx, f.owner, f.org.ID, f.owner), membership.ErrForbidden)
	})

	t.Run("RequireWorkspaceRejectsAMemberWithoutWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{RequireWorkspace: true}))
		w := f.workspace(t, "W")
		before := f.snap(t)
		for _, role := range []roles.Role{"", roles.OrgMember, roles.OrgGuest} {
			_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice"), Role: role})
			wantErr(t, err, membership.ErrWorkspaceRequired)
		}
		f.unchanged(t, before)
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.add(t, "admin", roles.OrgAdmin) // owners and admins reach every workspace anyway
		f.add(t, "owner2", roles.OrgOwner)
		is.True(f.can(t, "alice", w.ID, roles.PermView))
	})

	t.Run("RequireWorkspaceKeepsAMembersLastWorkspace", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{RequireWorkspace: true}))
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceViewer}, ws{b.ID, roles.WorkspaceViewer})
		is.NoErr(f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, a.ID, "alice"))
		before := f.snap(t)
		wantErr(t, f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, b.ID, "alice"), membership.ErrWorkspaceRequired)
		f.unchanged(t, before)
		is.Equal(f.access(t, "alice"), map[uuid.UUID]roles.Role{b.ID: roles.WorkspaceViewer})
	})

	t.Run("RequireWorkspaceStopsDemotingAnAdminWithoutWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{RequireWorkspace: true}))
		w := f.workspace(t, "W")
		f.add(t, "admin", roles.OrgAdmin)
		before := f.snap(t)
		_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "admin", roles.OrgMember)
		wantErr(t, err, membership.ErrWorkspaceRequired)
		f.unchanged(t, before)
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "admin", roles.WorkspaceViewer)
		is.NoErr(err)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "admin", roles.OrgMember)
		is.NoErr(err) // with a workspace the demotion is fine
	})

	t.Run("WithoutRequireWorkspaceMembersMayHaveNone", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		is.NoErr(f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice"))
		is.Equal(len(f.access(t, "alice")), 0)
		f.add(t, "bob", roles.OrgMember)
		wantErr(t, f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "bob"), membership.ErrNotFound)
	})

	t.Run("RemovingAMemberRevokesAllWorkspaceAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceAdmin}, ws{b.ID, roles.WorkspaceViewer})
		f.add(t, "bob", roles.OrgMember, ws{a.ID, roles.WorkspaceViewer})
		is.True(f.can(t, "alice", a.ID, roles.PermDelete))
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "alice"))
		is.True(!f.can(t, "alice", a.ID, roles.PermView)) // the next check denies
		is.True(!f.can(t, "alice", b.ID, roles.PermView))
		is.True(!f.canOrg(t, "alice", roles.PermViewMembers))
		is.True(!f.isMember(t, "alice"))
		as, err := f.st.MemberAccess(f.ctx, f.org.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 0) // no access row is left
		wms, _, err := f.svc.WorkspaceMembers(f.ctx, f.owner, f.org.ID, a.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(wms), 2) // the owner (implicit) and bob
		is.Equal(wms[1].UserID, "bob")
		// Coming back does not restore the old access.
		f.add(t, "alice", roles.OrgMember)
		is.True(!f.can(t, "alice", a.ID, roles.PermView))
		is.Equal(len(f.access(t, "alice")), 0)
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "bob"))
	})

	t.Run("RemoveMembersIsAllOrNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		f.add(t, "bob", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.snap(t)
		wantErr(t, f.svc.RemoveMembers(f.ctx, f.owner, f.org.ID, []string{"alice", "bob", "ghost"}), membership.ErrNotFound)
		wantErr(t, f.svc.RemoveMembers(f.ctx, f.owner, f.org.ID, []string{"alice", f.owner}), membership.ErrLastOwner)
		f.unchanged(t, before)
		is.NoErr(f.svc.RemoveMembers(f.ctx, f.owner, f.org.ID, []string{"alice", "bob"}))
		is.True(!f.isMember(t, "alice"))
		is.True(!f.isMember(t, "bob"))
		is.True(!f.can(t, "bob", w.ID, roles.PermView))
	})

	t.Run("ChangeRolesIsAllOrNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.add(t, "alice", roles.OrgMember)
		f.add(t, "bob", roles.OrgMember)
		before := f.snap(t)
		_, err := f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}, {UserID: "bob", Role: "superuser"}})
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}, {UserID: "ghost", Role: roles.OrgAdmin}})
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}, {UserID: f.owner, Role: roles.OrgAdmin}})
		wantErr(t, err, membership.ErrLastOwner)
		f.unchanged(t, before)
		ms, err := f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgAdmin}, {UserID: "bob", Role: roles.OrgAdmin}})
		is.NoErr(err)
		is.Equal(len(ms), 2)
		is.Equal(f.member(t, "alice").Role, roles.OrgAdmin)
		is.Equal(f.member(t, "bob").Role, roles.OrgAdmin)
		// Promoting someone to owner and stepping down in one call is fine.
		_, err = f.svc.ChangeRoles(f.ctx, f.owner, f.org.ID, []membership.RoleChange{{UserID: "alice", Role: roles.OrgOwner}, {UserID: f.owner, Role: roles.OrgAdmin}})
		is.NoErr(err)
		is.Equal(f.owners(t), 1)
		is.Equal(f.member(t, "alice").Role, roles.OrgOwner)
	})

	t.Run("GrantsAndWorkspaceAccessChange", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember)
		m, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermBilling, roles.PermInvite))
		is.NoErr(err)
		is.Equal(m.Grants, roles.Grants(roles.PermBilling, roles.PermInvite))
		is.True(f.canOrg(t, "alice", roles.PermBilling))
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", 0)
		is.NoErr(err)
		is.True(!f.canOrg(t, "alice", roles.PermBilling)) // grants can be taken back

		a, err := f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", roles.WorkspaceViewer)
		is.NoErr(err)
		is.Equal(a.Role, roles.WorkspaceViewer)
		is.Equal(a.WorkspaceID, w.ID)
		is.True(f.can(t, "alice", w.ID, roles.PermView))
		is.True(!f.can(t, "alice", w.ID, roles.PermUploadVideo))
		_, err = f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", roles.WorkspaceContributor)
		is.NoErr(err)
		is.True(f.can(t, "alice", w.ID, roles.PermUploadVideo)) // the new role applies at once
		is.Equal(f.access(t, "alice"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor})
		is.NoErr(f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice"))
		is.True(!f.can(t, "alice", w.ID, roles.PermView))
		wantErr(t, f.svc.RemoveWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice"), membership.ErrNotFound)

		m, err = f.svc.SetSSO(f.ctx, f.owner, f.org.ID, "alice", true)
		is.NoErr(err)
		is.Equal(m.SSO, true)
		is.Equal(f.member(t, "alice").SSO, true)
		_, err = f.svc.SetSSO(f.ctx, f.owner, f.org.ID, "alice", false)
		is.NoErr(err)
		is.Equal(f.member(t, "alice").SSO, false)
	})

	t.Run("SeatsAreNeverExceeded", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Seats: 3}))
		free := 3 - f.count(t, membership.MemberFilter{})
		is.True(free > 0)
		for i := range free {
			f.add(t, "user"+string(rune('a'+i)), roles.OrgMember)
		}
		before := f.snap(t)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "late", Email: email("late")})
		wantErr(t, err, membership.ErrSeatLimit)
		f.unchanged(t, before)
		is.Equal(f.count(t, membership.MemberFilter{}), 3)
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "usera"))
		f.add(t, "late", roles.OrgMember) // a freed seat can be taken
	})

	t.Run("LicencesAreNeverExceeded", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Licences: 2}))
		f.add(t, "alice", roles.OrgMember)
		f.add(t, "bob", roles.OrgMember)
		f.add(t, "carl", roles.OrgMember)
		free := 2 - f.count(t, membership.MemberFilter{LicensedOnly: true})
		is.True(free > 0)
		users := []string{"alice", "bob"}[:free]
		for _, u := range users {
			m, err := f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, u)
			is.NoErr(err)
			is.Equal(m.Licensed, true)
		}
		before := f.snap(t)
		_, err := f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, "carl")
		wantErr(t, err, membership.ErrSeatLimit)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "dora", Email: email("dora"), Licensed: true})
		wantErr(t, err, membership.ErrSeatLimit)
		f.unchanged(t, before)
		is.Equal(f.count(t, membership.MemberFilter{LicensedOnly: true}), 2)
		m, err := f.svc.UnassignLicence(f.ctx, f.owner, f.org.ID, users[0])
		is.NoErr(err)
		is.Equal(m.Licensed, false)
		_, err = f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, "carl")
		is.NoErr(err) // a freed licence can be assigned
		is.Equal(f.count(t, membership.MemberFilter{LicensedOnly: true}), 2)
	})

	t.Run("DeactivatedMembersKeepTheirRolesButEveryCheckDenies", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		a, b := f.workspace(t, "A"), f.workspace(t, "B")
		f.add(t, "alice", roles.OrgMember, ws{a.ID, roles.WorkspaceContributor})
		_, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermBilling))
		is.NoErr(err)
		f.add(t, "admin", roles.OrgAdmin)
		for _, u := range []string{"alice", "admin"} {
			m, err := f.svc.Deactivate(f.ctx, f.owner, f.org.ID, u)
			is.NoErr(err)
			is.Equal(m.Deactivated, true)
		}
		is.Equal(f.member(t, "alice").Role, roles.OrgMember) // roles kept
		is.Equal(f.member(t, "alice").Grants, roles.Grants(roles.PermBilling))
		is.Equal(f.member(t, "admin").Role, roles.OrgAdmin)
		is.Equal(f.access(t, "alice"), map[uuid.UUID]roles.Role{a.ID: roles.WorkspaceContributor})
		for _, u := range []string{"alice", "admin"} {
			for _, w := range []uuid.UUID{a.ID, b.ID} {
				for _, p := range []roles.Permission{roles.PermView, roles.PermComment, roles.PermUploadVideo, roles.PermDelete, roles.PermManagePeople} {
					if f.can(t, u, w, p) {
						t.Errorf("deactivated %s may %s", u, p)
					}
				}
			}
			for _, p := range []roles.Permission{roles.PermViewMembers, roles.PermManageMembers, roles.PermBilling, roles.PermInvite} {
				if f.canOrg(t, u, p) {
					t.Errorf("deactivated %s may %s", u, p)
				}
			}
		}
		// A workspace created while they are deactivated is denied too.
		c := f.workspace(t, "C")
		is.True(!f.can(t, "admin", c.ID, roles.PermView))

		for _, u := range []string{"alice", "admin"} {
			m, err := f.svc.Reactivate(f.ctx, f.owner, f.org.ID, u)
			is.NoErr(err)
			is.Equal(m.Deactivated, false)
		}
		is.True(f.can(t, "alice", a.ID, roles.PermUploadVideo)) // access is back as it was
		is.True(!f.can(t, "alice", b.ID, roles.PermView))
		is.True(f.canOrg(t, "alice", roles.PermBilling))
		is.True(f.can(t, "admin", c.ID, roles.PermManagePeople))
	})

	t.Run("MemberLeaves", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		is.NoErr(f.svc.Leave(f.ctx, "alice", f.org.ID))
		is.True(!f.isMember(t, "alice"))
		is.True(!f.can(t, "alice", w.ID, roles.PermView))
		wantErr(t, f.svc.Leave(f.ctx, "alice", f.org.ID), membership.ErrNotFound)
		wantErr(t, f.svc.Leave(f.ctx, "stranger", f.org.ID), membership.ErrNotFound)
		var left bool
		for _, e := range f.audit(t) {
			left = left || (e.Action == membership.EventMemberLeft && e.Actor == "alice" && e.Target == "alice")
		}
		is.True(left) // member.left is audited
	})

	t.Run("PeopleOutsideTheDomainsJoinAsGuests", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"example.com"}}))
		m, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "bob", Email: "bob@partner.io"})
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindGuest)
		is.Equal(m.Role, roles.OrgGuest)
		m, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.com"})
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindCoworker)
		is.Equal(m.Role, roles.OrgMember)
	})

	t.Run("GuestPolicyDeniedKeepsOutsidersOut", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Domains: []string{"example.com"}, GuestPolicy: membership.GuestsDenied}))
		before := f.snap(t)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "bob", Email: "bob@partner.io"})
		wantErr(t, err, membership.ErrGuestsNotAllowed)
		f.unchanged(t, before)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.com"})
		is.NoErr(err)
	})
}

// hostileNames are names that could mislead whoever reads them in an
// email, a member list or an audit trail: direction overrides and
// isolates, invisible and zero-width characters, line breaks. Every name
// (organization, workspace, member, invitee) refuses them.
var hostileNames = []string{
	"Acme\u202e",               // right-to-left override
	"\u202aAcme",               // left-to-right embedding
	"Ac\u202dme",               // left-to-right override
	"Acme \u2066Evil\u2069",    // isolates
	"Ac\u2067me", "Ac\u2068me", // right-to-left and first-strong isolates
	"Ac\u200bme",                                           // zero-width space
	"Ac\u200cme", "Ac\u200dme", "Ac\u200eme", "Ac\u200fme", // …and its neighbours
	"\ufeffAcme",     // byte order mark
	"Ac\u2060me",     // word joiner
	"Ac\u00adme",     // soft hyphen
	"Ac\u061cme",     // Arabic letter mark
	"Acme\U000e0041", // tag character
	"\u3164",         // Hangul filler: a name that shows as nothing
	"Ac\u2028me",     // line separator
	"Ac\u0085me",     // next line
	"Ac\x1bme",       // escape
	"Ac\ue000me",     // private use
}
