package storagetest

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testStore checks each sentence of membership.Store's method contracts on
// the raw store, without the Service.
func testStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CreateOrganizationRejectsATakenIDOrSlug", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		dupID := newOrg()
		dupID.ID = o.ID
		wantErr(t, st.CreateOrganization(ctx, dupID), storage.ErrConflict)
		dupSlug := newOrg()
		dupSlug.Slug = o.Slug
		wantErr(t, st.CreateOrganization(ctx, dupSlug), storage.ErrConflict)
		_, err := st.Organization(ctx, dupSlug.ID)
		wantErr(t, err, storage.ErrNotFound)
		got, err := st.Organization(ctx, o.ID)
		is.NoErr(err)
		is.Equal(got.Name, o.Name) // the first organization is untouched
	})

	t.Run("OrganizationReturnsWhatWasStored", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := newOrg()
		o.Settings = membership.Settings{
			Domains: []string{"example.com", "example.org"}, GuestPolicy: membership.GuestsDenied,
			RequireWorkspace: true, Seats: 7, Licences: 3, MembersMayInvite: true, SSORequired: true,
			LinksDisabled: true, InvitesPerDay: 11, InvitesPerInviterPerDay: 5,
		}
		is.NoErr(st.CreateOrganization(ctx, o))
		for _, get := range []func() (membership.Organization, error){
			func() (membership.Organization, error) { return st.Organization(ctx, o.ID) },
			func() (membership.Organization, error) { return st.OrganizationBySlug(ctx, o.Slug) },
			func() (membership.Organization, error) { return st.LockOrganization(ctx, o.ID) },
		} {
			got, err := get()
			is.NoErr(err)
			sameOrg(t, got, o)
		}
	})

	t.Run("UnknownOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		st, ctx := newStore(t), t.Context()
		o := newOrg()
		_, err := st.Organization(ctx, o.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.OrganizationBySlug(ctx, o.Slug)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.LockOrganization(ctx, o.ID)
		wantErr(t, err, storage.ErrNotFound)
		err = st.Transact(ctx, func(ctx context.Context) error {
			_, err := st.LockOrganization(ctx, o.ID)
			return err
		})
		wantErr(t, err, storage.ErrNotFound)
		wantErr(t, st.UpdateOrganization(ctx, o), storage.ErrNotFound)
		wantErr(t, st.DeleteOrganization(ctx, o.ID), storage.ErrNotFound)
	})

	t.Run("UpdateOrganizationReplacesFieldsAndRejectsATakenSlug", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		a, b := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		oldSlug := a.Slug
		a.Name, a.Slug = "Renamed", uniq("renamed")
		a.Settings = membership.Settings{Domains: []string{"acme.test"}, Seats: 3}
		a.UpdatedAt = start.Add(time.Hour)
		is.NoErr(st.UpdateOrganization(ctx, a))
		got, err := st.Organization(ctx, a.ID)
		is.NoErr(err)
		sameOrg(t, got, a)
		_, err = st.OrganizationBySlug(ctx, oldSlug)
		wantErr(t, err, storage.ErrNotFound) // the old slug no longer finds it
		taken := a
		taken.Slug = b.Slug
		wantErr(t, st.UpdateOrganization(ctx, taken), storage.ErrConflict)
		got, err = st.Organization(ctx, a.ID)
		is.NoErr(err)
		is.Equal(got.Slug, a.Slug) // a failed update changes nothing
	})

	t.Run("DeleteOrganizationDeletesEverythingInIt", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		other := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		ow := rawWorkspace(t, ctx, st, other.ID, "w")
		for _, org := range []uuid.UUID{o.ID, other.ID} {
			is.NoErr(st.InsertMember(ctx, rawMember(org, "alice", roles.OrgMember)))
			is.NoErr(st.AppendAudit(ctx, rawAudit(org, "alice", "member.added")))
		}
		is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: "alice", Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}))
		is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: other.ID, WorkspaceID: ow.ID, UserID: "alice", Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}))
		ch := uniq("chan")
		msg := rawMessage(o.ID, ch, start)
		is.NoErr(st.Enqueue(ctx, msg))

		is.NoErr(st.DeleteOrganization(ctx, o.ID))
		_, err := st.Organization(ctx, o.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.OrganizationBySlug(ctx, o.Slug)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.Workspace(ctx, o.ID, w.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.Member(ctx, o.ID, "alice")
		wantErr(t, err, storage.ErrNotFound)
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 0) // access rows are gone
		es, _, err := st.Audit(ctx, o.ID, membership.AuditFilter{}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(es), 0) // audit events are gone
		orgs, _, err := st.UserOrganizations(ctx, "alice", storage.Page{Limit: storage.MaxPageSize})
		is.NoErr(err)
		for _, g := range orgs {
			is.True(g.ID != o.ID) // the deleted organization is not listed
		}
		msgs, err := st.Claim(ctx, ch, start.Add(time.Hour), time.Minute, 10)
		is.NoErr(err)
		is.Equal(ids(msgs), []uuid.UUID{msg.ID}) // the outbox keeps the organization's undelivered messages
		is.NoErr(st.Ack(ctx, msg.ID))

		// The other organization keeps everything.
		_, err = st.Member(ctx, other.ID, "alice")
		is.NoErr(err)
		oas, err := st.MemberAccess(ctx, other.ID, "alice")
		is.NoErr(err)
		is.Equal(len(oas), 1)
		is.Equal(len(auditOf(t, ctx, st, other.ID, membership.AuditFilter{})), 1)

		// The slug is free again.
		again := newOrg()
		again.Slug = o.Slug
		is.NoErr(st.CreateOrganization(ctx, again))
	})

	t.Run("UserOrganizationsListsTheUsersOrganizationsByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		user := uniq("user")
		var want []uuid.UUID
		for range 4 {
			o := rawOrg(t, ctx, st)
			want = append(want, o.ID)
			is.NoErr(st.InsertMember(ctx, rawMember(o.ID, user, roles.OrgMember)))
		}
		rawOrg(t, ctx, st) // an organization the user is not in
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 3}
		for {
			orgs, next, err := st.UserOrganizations(ctx, user, page)
			is.NoErr(err)
			is.True(len(orgs) <= 3)
			for _, o := range orgs {
				got = append(got, o.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want) // every organization of the user, once, by ID
	})

	t.Run("CreateWorkspaceNeedsTheOrganizationAndAFreeName", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "Marketing")
		wantErr(t, st.CreateWorkspace(ctx, membership.Workspace{ID: newID(), OrgID: newID(), Name: "x", CreatedAt: start}), storage.ErrNotFound)
		wantErr(t, st.CreateWorkspace(ctx, membership.Workspace{ID: newID(), OrgID: o.ID, Name: "Marketing", CreatedAt: start}), storage.ErrConflict)
		wantErr(t, st.CreateWorkspace(ctx, membership.Workspace{ID: w.ID, OrgID: o.ID, Name: "Other", CreatedAt: start}), storage.ErrConflict)
		rawWorkspace(t, ctx, st, other.ID, "Marketing") // the same name in another organization
		got, err := st.Workspace(ctx, o.ID, w.ID)
		is.NoErr(err)
		is.Equal(got.Name, "Marketing")
		is.Equal(got.OrgID, o.ID)
		is.True(got.CreatedAt.Equal(start))
		_, err = st.Workspace(ctx, other.ID, w.ID)
		wantErr(t, err, storage.ErrNotFound) // a workspace of another organization
	})

	t.Run("UpdateWorkspaceRenamesWithinItsOrganizationOnly", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		a := rawWorkspace(t, ctx, st, o.ID, "A")
		rawWorkspace(t, ctx, st, o.ID, "B")
		a.Name = "A2"
		is.NoErr(st.UpdateWorkspace(ctx, a))
		got, err := st.Workspace(ctx, o.ID, a.ID)
		is.NoErr(err)
		is.Equal(got.Name, "A2")
		a.Name = "B"
		wantErr(t, st.UpdateWorkspace(ctx, a), storage.ErrConflict)
		moved := a
		moved.OrgID, moved.Name = other.ID, "stolen"
		wantErr(t, st.UpdateWorkspace(ctx, moved), storage.ErrNotFound)
		got, err = st.Workspace(ctx, o.ID, a.ID)
		is.NoErr(err)
		is.Equal(got.Name, "A2") // failed updates change nothing
		a.Name = "A2"
		is.NoErr(st.UpdateWorkspace(ctx, a)) // its own name is no conflict
		rawWorkspace(t, ctx, st, o.ID, "A")  // the old name is free again
	})

	t.Run("DeleteWorkspaceDeletesItsAccessRows", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		a, b := rawWorkspace(t, ctx, st, o.ID, "A"), rawWorkspace(t, ctx, st, o.ID, "B")
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		for _, w := range []uuid.UUID{a.ID, b.ID} {
			is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w, UserID: "alice", Role: roles.WorkspaceContributor, GrantedBy: "owner", GrantedAt: start}))
		}
		wantErr(t, st.DeleteWorkspace(ctx, other.ID, a.ID), storage.ErrNotFound)
		is.NoErr(st.DeleteWorkspace(ctx, o.ID, a.ID))
		_, err := st.Workspace(ctx, o.ID, a.ID)
		wantErr(t, err, storage.ErrNotFound)
		wantErr(t, st.DeleteWorkspace(ctx, o.ID, a.ID), storage.ErrNotFound)
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 1) // only the access to B is left
		is.Equal(as[0].WorkspaceID, b.ID)
		acc, err := st.CheckAccess(ctx, o.ID, "alice", a.ID)
		is.NoErr(err)
		is.Equal(acc.WorkspaceFound, false)
		is.Equal(acc.WorkspaceRole, roles.Role(""))
	})

	t.Run("WorkspacesAreListedByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		var want []uuid.UUID
		for i := range 7 {
			want = append(want, rawWorkspace(t, ctx, st, o.ID, "w"+string(rune('a'+i))).ID)
		}
		rawWorkspace(t, ctx, st, other.ID, "elsewhere")
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			wss, next, err := st.Workspaces(ctx, o.ID, page)
			is.NoErr(err)
			for _, w := range wss {
				is.Equal(w.OrgID, o.ID)
				got = append(got, w.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want)
	})

	t.Run("InsertMemberNeedsTheOrganizationAndAFreeUser", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		wantErr(t, st.InsertMember(ctx, rawMember(newID(), "alice", roles.OrgMember)), storage.ErrNotFound)
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		wantErr(t, st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgAdmin)), storage.ErrConflict)
		is.NoErr(st.InsertMember(ctx, rawMember(other.ID, "alice", roles.OrgAdmin))) // the same user elsewhere
		m, err := st.Member(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember) // the duplicate changed nothing
		_, err = st.Member(ctx, o.ID, "bob")
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("MemberReturnsEveryFieldStored", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		m := membership.Member{
			OrgID: o.ID, UserID: "alice", Email: "alice@example.com", Name: "Alice Ünïcode",
			Role: roles.OrgAdmin, Kind: membership.KindGuest, Grants: roles.Grants(roles.PermBilling, roles.PermAPIAccess),
			Licensed: true, SSO: true, Deactivated: true, InvitedBy: "owner",
			JoinedAt: start, UpdatedAt: start.Add(time.Minute),
		}
		is.NoErr(st.InsertMember(ctx, m))
		got, err := st.Member(ctx, o.ID, "alice")
		is.NoErr(err)
		sameMember(t, got, m)
	})

	t.Run("UpdateMemberReplacesAllButItsKeysAndJoinedAt", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		m := rawMember(o.ID, "alice", roles.OrgMember)
		is.NoErr(st.InsertMember(ctx, m))
		u := m
		u.Email, u.Name, u.Role, u.Kind = "new@example.com", "New", roles.OrgAdmin, membership.KindGuest
		u.Grants, u.Licensed, u.SSO, u.Deactivated, u.InvitedBy = roles.Grants(roles.PermInvite), true, true, true, "someone"
		u.JoinedAt, u.UpdatedAt = start.Add(48*time.Hour), start.Add(time.Hour)
		is.NoErr(st.UpdateMember(ctx, u))
		got, err := st.Member(ctx, o.ID, "alice")
		is.NoErr(err)
		u.JoinedAt = m.JoinedAt
		sameMember(t, got, u)
		wantErr(t, st.UpdateMember(ctx, rawMember(o.ID, "bob", roles.OrgMember)), storage.ErrNotFound)
		_, err = st.Member(ctx, o.ID, "bob")
		wantErr(t, err, storage.ErrNotFound) // an update does not insert
	})

	t.Run("DeleteMemberDeletesItsAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		a, b := rawWorkspace(t, ctx, st, o.ID, "A"), rawWorkspace(t, ctx, st, o.ID, "B")
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "bob", roles.OrgMember)))
		for _, w := range []uuid.UUID{a.ID, b.ID} {
			for _, u := range []string{"alice", "bob"} {
				is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w, UserID: u, Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}))
			}
		}
		is.NoErr(st.DeleteMember(ctx, o.ID, "alice"))
		wantErr(t, st.DeleteMember(ctx, o.ID, "alice"), storage.ErrNotFound)
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 0) // no access row survives the member
		rows, _, err := st.WorkspaceAccessList(ctx, o.ID, a.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(rows), 1) // only bob keeps access to A
		is.Equal(rows[0].UserID, "bob")
		// Re-inserting the user does not bring access back.
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		as, err = st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 0)
		// A deleted member no longer lists the organization among its own.
		u := uniq("user")
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, u, roles.OrgMember)))
		is.NoErr(st.DeleteMember(ctx, o.ID, u))
		orgs, _, err := st.UserOrganizations(ctx, u, storage.Page{})
		is.NoErr(err)
		is.Equal(len(orgs), 0)
	})

	t.Run("MembersAreListedByUserIDAndFiltered", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "W")
		type row struct {
			user, email, name string
			role              roles.Role
			kind              membership.Kind
			licensed, access  bool
		}
		rows := []row{
			{"u5", "zed@example.com", "Zed", roles.OrgOwner, membership.KindCoworker, true, false},
			{"u1", "Ann@Example.com", "Ann", roles.OrgAdmin, membership.KindCoworker, false, true},
			{"u3", "bob@partner.io", "anna", roles.OrgGuest, membership.KindGuest, false, true},
			{"u2", "carl@example.com", "Carl", roles.OrgMember, membership.KindCoworker, true, true},
			{"u4", "dora@example.com", "Dora", roles.OrgMember, membership.KindCoworker, false, false},
		}
		for _, r := range rows {
			m := rawMember(o.ID, r.user, r.role)
			m.Email, m.Name, m.Kind, m.Licensed = r.email, r.name, r.kind, r.licensed
			is.NoErr(st.InsertMember(ctx, m))
			if r.access {
				is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: r.user, Role: roles.WorkspaceViewer, GrantedBy: "u5", GrantedAt: start}))
			}
		}
		for _, c := range []struct {
			name   string
			filter membership.MemberFilter
			want   []string
		}{
			{"all", membership.MemberFilter{}, []string{"u1", "u2", "u3", "u4", "u5"}},
			{"role", membership.MemberFilter{Role: roles.OrgMember}, []string{"u2", "u4"}},
			{"kind", membership.MemberFilter{Kind: membership.KindGuest}, []string{"u3"}},
			{"workspace", membership.MemberFilter{Workspace: w.ID}, []string{"u1", "u2", "u3"}},
			{"prefix matches email or name ignoring case", membership.MemberFilter{Prefix: "AN"}, []string{"u1", "u3"}},
			{"prefix is a prefix", membership.MemberFilter{Prefix: "example"}, nil},
			{"licensed", membership.MemberFilter{LicensedOnly: true}, []string{"u2", "u5"}},
			{"combined", membership.MemberFilter{Role: roles.OrgMember, Workspace: w.ID, LicensedOnly: true}, []string{"u2"}},
			{"unknown workspace", membership.MemberFilter{Workspace: newID()}, nil},
		} {
			var got []string
			page := storage.Page{Limit: 2}
			for {
				ms, next, err := st.Members(ctx, o.ID, c.filter, page)
				is.NoErr(err) // Members
				for _, m := range ms {
					got = append(got, m.UserID)
				}
				if !advance(t, &page, next) {
					break
				}
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("Members(%s) = %v, want %v", c.name, got, c.want)
			}
			n, err := st.CountMembers(ctx, o.ID, c.filter)
			is.NoErr(err)
			if n != len(c.want) {
				t.Errorf("CountMembers(%s) = %d, want %d", c.name, n, len(c.want))
			}
		}
	})

	t.Run("CountMembersFollowsUpdatesAndDeletions", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		for _, r := range []struct {
			user     string
			role     roles.Role
			kind     membership.Kind
			licensed bool
		}{
			{"u1", roles.OrgAdmin, membership.KindCoworker, true},
			{"u2", roles.OrgMember, membership.KindCoworker, true},
			{"u3", roles.OrgGuest, membership.KindGuest, false},
			{"u4", roles.OrgMember, membership.KindCoworker, false},
		} {
			m := rawMember(o.ID, r.user, r.role)
			m.Kind, m.Licensed = r.kind, r.licensed
			is.NoErr(st.InsertMember(ctx, m))
		}
		m, err := st.Member(ctx, o.ID, "u2")
		is.NoErr(err)
		m.Role, m.Licensed, m.Kind = roles.OrgAdmin, false, membership.KindGuest
		is.NoErr(st.UpdateMember(ctx, m))
		is.NoErr(st.DeleteMember(ctx, o.ID, "u1"))
		for _, c := range []struct {
			name   string
			filter membership.MemberFilter
			want   int
		}{
			{"all", membership.MemberFilter{}, 3},
			{"admins", membership.MemberFilter{Role: roles.OrgAdmin}, 1},
			{"members", membership.MemberFilter{Role: roles.OrgMember}, 1},
			{"licensed", membership.MemberFilter{LicensedOnly: true}, 0},
			{"guests", membership.MemberFilter{Kind: membership.KindGuest}, 2},
			{"co-workers", membership.MemberFilter{Kind: membership.KindCoworker}, 1},
		} {
			n, err := st.CountMembers(ctx, o.ID, c.filter)
			is.NoErr(err)
			if n != c.want {
				t.Errorf("CountMembers(%s) = %d, want %d", c.name, n, c.want)
			}
		}
	})

	t.Run("SetAccessReplacesTheRoleWithinTheOrganizationOnly", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "W")
		ow := rawWorkspace(t, ctx, st, other.ID, "W")
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		is.NoErr(st.InsertMember(ctx, rawMember(other.ID, "bob", roles.OrgMember)))
		acc := membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: "alice", Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}
		is.NoErr(st.SetAccess(ctx, acc))
		acc.Role, acc.GrantedAt = roles.WorkspaceAdmin, start.Add(time.Hour)
		is.NoErr(st.SetAccess(ctx, acc))
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 1) // replaced, not added
		is.Equal(as[0].Role, roles.WorkspaceAdmin)
		is.Equal(as[0].OrgID, o.ID)
		is.Equal(as[0].UserID, "alice")
		is.Equal(as[0].GrantedBy, "owner")

		bad := acc
		bad.WorkspaceID = ow.ID // a workspace of another organization
		wantErr(t, st.SetAccess(ctx, bad), storage.ErrNotFound)
		bad = acc
		bad.UserID = "bob" // a member of another organization
		wantErr(t, st.SetAccess(ctx, bad), storage.ErrNotFound)
		bad = acc
		bad.WorkspaceID = newID()
		wantErr(t, st.SetAccess(ctx, bad), storage.ErrNotFound)
		rows, _, err := st.WorkspaceAccessList(ctx, other.ID, ow.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(rows), 0) // nothing leaked into the other organization
		rows, _, err = st.WorkspaceAccessList(ctx, o.ID, w.ID, storage.Page{})
		is.NoErr(err)
		is.Equal(len(rows), 1)
	})

	t.Run("DeleteAccessIsNotFoundWithoutAccess", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "W")
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		wantErr(t, st.DeleteAccess(ctx, o.ID, w.ID, "alice"), storage.ErrNotFound)
		is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: "alice", Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}))
		wantErr(t, st.DeleteAccess(ctx, other.ID, w.ID, "alice"), storage.ErrNotFound)
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 1) // the wrong organization deleted nothing
		is.NoErr(st.DeleteAccess(ctx, o.ID, w.ID, "alice"))
		wantErr(t, st.DeleteAccess(ctx, o.ID, w.ID, "alice"), storage.ErrNotFound)
	})

	t.Run("AccessListsAreOrdered", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		var wsIDs []uuid.UUID
		for i := range 5 {
			wsIDs = append(wsIDs, rawWorkspace(t, ctx, st, o.ID, "w"+string(rune('a'+i))).ID)
		}
		users := []string{"d", "b", "e", "a", "c"}
		for _, u := range users {
			is.NoErr(st.InsertMember(ctx, rawMember(o.ID, u, roles.OrgMember)))
			for _, w := range wsIDs {
				is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w, UserID: u, Role: roles.WorkspaceViewer, GrantedBy: "owner", GrantedAt: start}))
			}
		}
		as, err := st.MemberAccess(ctx, o.ID, "c")
		is.NoErr(err)
		var got []uuid.UUID
		for _, a := range as {
			got = append(got, a.WorkspaceID)
		}
		sortIDs(wsIDs)
		is.Equal(got, wsIDs) // MemberAccess is ordered by workspace ID
		var gotUsers []string
		page := storage.Page{Limit: 2}
		for {
			rows, next, err := st.WorkspaceAccessList(ctx, o.ID, wsIDs[2], page)
			is.NoErr(err)
			for _, r := range rows {
				gotUsers = append(gotUsers, r.UserID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(gotUsers, []string{"a", "b", "c", "d", "e"}) // WorkspaceAccessList is ordered by user ID
	})

	t.Run("CheckAccessReturnsWhatAPermissionCheckNeeds", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		w, w2 := rawWorkspace(t, ctx, st, o.ID, "W"), rawWorkspace(t, ctx, st, o.ID, "W2")
		ow := rawWorkspace(t, ctx, st, other.ID, "W")
		m := rawMember(o.ID, "alice", roles.OrgMember)
		m.Grants, m.Deactivated = roles.Grants(roles.PermBilling), true
		is.NoErr(st.InsertMember(ctx, m))
		is.NoErr(st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: "alice", Role: roles.WorkspaceContributor, GrantedBy: "owner", GrantedAt: start}))

		acc, err := st.CheckAccess(ctx, o.ID, "alice", w.ID)
		is.NoErr(err)
		is.Equal(acc, membership.Access{Role: roles.OrgMember, Grants: roles.Grants(roles.PermBilling), Deactivated: true, WorkspaceRole: roles.WorkspaceContributor, WorkspaceFound: true})
		acc, err = st.CheckAccess(ctx, o.ID, "alice", w2.ID)
		is.NoErr(err)
		is.Equal(acc.WorkspaceFound, true) // w2 exists, without access
		is.Equal(acc.WorkspaceRole, roles.Role(""))
		acc, err = st.CheckAccess(ctx, o.ID, "alice", ow.ID)
		is.NoErr(err)
		is.Equal(acc.WorkspaceFound, false) // a workspace of another organization is not found
		is.Equal(acc.WorkspaceRole, roles.Role(""))
		acc, err = st.CheckAccess(ctx, o.ID, "alice", uuid.Nil)
		is.NoErr(err)
		is.Equal(acc.Role, roles.OrgMember) // org scope
		is.Equal(acc.WorkspaceRole, roles.Role(""))
		_, err = st.CheckAccess(ctx, o.ID, "bob", w.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.CheckAccess(ctx, other.ID, "alice", ow.ID)
		wantErr(t, err, storage.ErrNotFound) // alice is not a member there
	})

	t.Run("AuditIsStoredWholeAndListedByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		e := membership.AuditEvent{
			ID: newID(), OrgID: o.ID, Actor: "owner", Action: "role.changed", Target: "alice",
			Before: map[string]string{"role": "member"}, After: map[string]string{"role": "admin", "note": "ünïcode"},
			Denied: true, Reason: "because", At: start,
		}
		is.NoErr(st.AppendAudit(ctx, e))
		wantErr(t, st.AppendAudit(ctx, e), storage.ErrConflict) // an ID is stored once
		is.NoErr(st.AppendAudit(ctx, rawAudit(other.ID, "owner", "role.changed")))
		var ids []uuid.UUID
		ids = append(ids, e.ID)
		for i := range 6 {
			ev := rawAudit(o.ID, []string{"owner", "admin"}[i%2], []string{"member.added", "member.removed", "role.changed"}[i%3])
			ev.Target = []string{"bob", "carl"}[i%2]
			is.NoErr(st.AppendAudit(ctx, ev))
			ids = append(ids, ev.ID)
		}
		got := auditOf(t, ctx, st, o.ID, membership.AuditFilter{})
		is.Equal(len(got), 7)
		var gotIDs []uuid.UUID
		for _, g := range got {
			gotIDs = append(gotIDs, g.ID)
			is.Equal(g.OrgID, o.ID)
		}
		sortIDs(ids)
		is.Equal(gotIDs, ids) // ordered by ID
		first := got[0]
		is.Equal(first.Actor, e.Actor)
		is.Equal(first.Action, e.Action)
		is.Equal(first.Target, e.Target)
		is.Equal(first.Before, e.Before)
		is.Equal(first.After, e.After)
		is.Equal(first.Denied, true)
		is.Equal(first.Reason, "because")
		is.True(first.At.Equal(start))

		is.Equal(len(auditOf(t, ctx, st, o.ID, membership.AuditFilter{Action: "role.changed"})), 3)
		is.Equal(len(auditOf(t, ctx, st, o.ID, membership.AuditFilter{Actor: "admin"})), 3)
		is.Equal(len(auditOf(t, ctx, st, o.ID, membership.AuditFilter{Target: "bob", Actor: "owner"})), 3)
		is.Equal(len(auditOf(t, ctx, st, o.ID, membership.AuditFilter{Action: "member.added", Target: "carl"})), 1)
	})

	t.Run("InvalidCursorIsRejected", func(t *testing.T) {
		t.Parallel()
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		is.New(t).NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgMember)))
		// A well-formed cursor whose key is not an ID is bad on the lists
		// ordered by ID; a negative limit is bad on every list.
		notAnID := storage.Page{After: storage.Cursor("not-an-id")}
		for _, page := range []storage.Page{{After: "!!not base64!!"}, {After: "AA"}, {After: "eyJ4IjoxfQ"}, {Limit: -1}, notAnID} {
			calls := map[string]func() error{
				"Workspaces": func() error { _, _, err := st.Workspaces(ctx, o.ID, page); return err },
				"Audit": func() error {
					_, _, err := st.Audit(ctx, o.ID, membership.AuditFilter{}, page)
					return err
				},
				"UserOrganizations": func() error { _, _, err := st.UserOrganizations(ctx, "alice", page); return err },
			}
			if page != notAnID {
				calls["Members"] = func() error {
					_, _, err := st.Members(ctx, o.ID, membership.MemberFilter{}, page)
					return err
				}
			}
			for name, call := range calls {
				if err := call(); !errors.Is(err, storage.ErrInvalidCursor) {
					t.Errorf("%s(%+v): got %v, want ErrInvalidCursor", name, page, err)
				}
			}
		}
	})
}

// newID returns a fresh UUIDv7.
func newID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New()
	}
	return id
}

// newOrg returns an organization with a fresh ID and a unique slug, not yet
// stored.
func newOrg() membership.Organization {
	slug := uniq("raw")
	return membership.Organization{ID: newID(), Name: "Raw " + slug, Slug: slug, CreatedAt: start, UpdatedAt: start}
}

// rawOrg stores a new organization.
func rawOrg(t *testing.T, ctx context.Context, st Store) membership.Organization {
	t.Helper()
	o := newOrg()
	if err := st.CreateOrganization(ctx, o); err != nil {
		t.Fatalf("store CreateOrganization: %v", err)
	}
	return o
}

// rawWorkspace stores a new workspace.
func rawWorkspace(t *testing.T, ctx context.Context, st Store, org uuid.UUID, name string) membership.Workspace {
	t.Helper()
	w := membership.Workspace{ID: newID(), OrgID: org, Name: name, CreatedAt: start}
	if err := st.CreateWorkspace(ctx, w); err != nil {
		t.Fatalf("store CreateWorkspace(%q): %v", name, err)
	}
	return w
}

// rawMember returns a member row, not yet stored.
func rawMember(org uuid.UUID, user string, role roles.Role) membership.Member {
	return membership.Member{OrgID: org, UserID: user, Email: email(user), Name: user, Role: role,
		Kind: membership.KindCoworker, InvitedBy: "owner", JoinedAt: start, UpdatedAt: start}
}

// rawAudit returns an audit event, not yet stored.
func rawAudit(org uuid.UUID, actor, action string) membership.AuditEvent {
	return membership.AuditEvent{ID: newID(), OrgID: org, Actor: actor, Action: action, Target: "t", At: start}
}

// sortIDs sorts IDs in byte order, which is the order stores list them in.
func sortIDs(ids []uuid.UUID) {
	sort.Slice(ids, func(i, j int) bool { return string(ids[i][:]) < string(ids[j][:]) })
}

// sameOrg fails t when got differs from want in a stored field.
func sameOrg(t *testing.T, got, want membership.Organization) {
	t.Helper()
	is := is.New(t)
	is.Equal(got.ID, want.ID)
	is.Equal(got.Name, want.Name)
	is.Equal(got.Slug, want.Slug)
	is.Equal(normSettings(got.Settings), normSettings(want.Settings))
	is.True(got.CreatedAt.Equal(want.CreatedAt)) // CreatedAt
	is.True(got.UpdatedAt.Equal(want.UpdatedAt)) // UpdatedAt
}

// normSettings treats a nil and an empty domain list alike.
func normSettings(s membership.Settings) membership.Settings {
	if len(s.Domains) == 0 {
		s.Domains = nil
	}
	return s
}

// sameMember fails t when got differs from want in a stored field.
func sameMember(t *testing.T, got, want membership.Member) {
	t.Helper()
	g, w := got, want
	if !g.JoinedAt.Equal(w.JoinedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		t.Fatalf("member times = %v, %v; want %v, %v", g.JoinedAt, g.UpdatedAt, w.JoinedAt, w.UpdatedAt)
	}
	g.JoinedAt, g.UpdatedAt, w.JoinedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if g != w {
		t.Fatalf("member = %+v\nwant     %+v", g, w)
	}
}
