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

// testOrganizations checks creating, reading, updating, deleting and
// listing organizations through the Service.
func testOrganizations(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CreatorBecomesTheOwner", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		is.True(f.org.ID != uuid.Nil)
		is.True(f.org.CreatedAt.Equal(start)) // CreatedAt comes from the clock
		m := f.member(t, f.owner)
		is.Equal(m.Role, roles.OrgOwner)
		is.Equal(m.Email, email(f.owner))
		is.Equal(m.Name, "The Owner")
		is.True(m.JoinedAt.Equal(start))
		got, err := f.svc.Organization(f.ctx, f.org.ID)
		is.NoErr(err)
		is.Equal(got.Slug, f.org.Slug)
		got, err = f.svc.OrganizationBySlug(f.ctx, f.org.Slug)
		is.NoErr(err)
		is.Equal(got.ID, f.org.ID)
		is.True(f.canOrg(t, f.owner, roles.PermDeleteOrganization))
		is.True(f.canOrg(t, f.owner, roles.PermBilling))
		var created bool
		for _, e := range f.audit(t) {
			created = created || (e.Action == membership.EventOrganizationCreated && e.Actor == f.owner)
		}
		is.True(created) // organization.created is audited
	})

	t.Run("TakenSlugIsAConflict", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		user := uniq("user")
		_, err := f.svc.CreateOrganization(f.ctx, user, membership.NewOrganization{Name: "Copy", Slug: f.org.Slug, OwnerEmail: email(user)})
		wantErr(t, err, membership.ErrConflict)
		orgs, _, err := f.svc.Organizations(f.ctx, user, storage.Page{})
		is.New(t).NoErr(err)
		is.New(t).Equal(len(orgs), 0) // the failed creation made the user owner of nothing
	})

	t.Run("InvalidOrganizationsAreRejected", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		svc := newMembership(t, st, membership.Options{Clock: newClock(), Dispatcher: discard})
		long := strings.Repeat("a", 5000)
		for _, c := range []struct {
			name  string
			actor string
			org   membership.NewOrganization
		}{
			{"EmptyName", "", membership.NewOrganization{Name: "", Slug: uniq("ok")}},
			{"OverLongName", "", membership.NewOrganization{Name: long, Slug: uniq("ok")}},
			{"InvalidUTF8Name", "", membership.NewOrganization{Name: "bad\xffname", Slug: uniq("ok")}},
			{"EmptySlug", "", membership.NewOrganization{Name: "Acme", Slug: ""}},
			{"UpperCaseSlug", "", membership.NewOrganization{Name: "Acme", Slug: "Acme-" + uniq("x")}},
			{"SlugWithSpace", "", membership.NewOrganization{Name: "Acme", Slug: "acme " + uniq("x")}},
			{"SlugWithLeadingHyphen", "", membership.NewOrganization{Name: "Acme", Slug: "-" + uniq("x")}},
			{"SlugWithTrailingHyphen", "", membership.NewOrganization{Name: "Acme", Slug: uniq("x") + "-"}},
			{"SlugWithDoubleHyphen", "", membership.NewOrganization{Name: "Acme", Slug: "a--" + uniq("x")}},
			{"SlugWithUnderscore", "", membership.NewOrganization{Name: "Acme", Slug: "a_" + uniq("x")}},
			{"NonASCIISlug", "", membership.NewOrganization{Name: "Acme", Slug: "ünï-" + uniq("x")}},
			{"InvalidUTF8Slug", "", membership.NewOrganization{Name: "Acme", Slug: "a\xff" + uniq("x")}},
			{"OverLongSlug", "", membership.NewOrganization{Name: "Acme", Slug: long}},
			{"NegativeSeats", "", membership.NewOrganization{Name: "Acme", Slug: uniq("ok"), Settings: membership.Settings{Seats: -1}}},
			{"NegativeLicences", "", membership.NewOrganization{Name: "Acme", Slug: uniq("ok"), Settings: membership.Settings{Licences: -1}}},
			{"UnknownGuestPolicy", "", membership.NewOrganization{Name: "Acme", Slug: uniq("ok"), Settings: membership.Settings{GuestPolicy: "sometimes"}}},
			{"InvalidDomain", "", membership.NewOrganization{Name: "Acme", Slug: uniq("ok"), Settings: membership.Settings{Domains: []string{"not a domain"}}}},
			{"InvalidOwnerEmail", "", membership.NewOrganization{Name: "Acme", Slug: uniq("ok"), OwnerEmail: "not-an-email"}},
			{"EmptyActor", "-", membership.NewOrganization{Name: "Acme", Slug: uniq("ok")}},
			{"InvalidUTF8Actor", "bad\xffactor", membership.NewOrganization{Name: "Acme", Slug: uniq("ok")}},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				actor := uniq("creator")
				switch c.actor {
				case "-":
					actor = ""
				case "":
				default:
					actor = c.actor
				}
				n := c.org
				if n.OwnerEmail == "" {
					n.OwnerEmail = email("creator")
				}
				_, err := svc.CreateOrganization(t.Context(), actor, n)
				wantErr(t, err, membership.ErrInvalidInput)
				if n.Slug != "" {
					_, err = st.OrganizationBySlug(t.Context(), n.Slug)
					wantErr(t, err, storage.ErrNotFound)
				}
				if actor != "" {
					orgs, _, err := st.UserOrganizations(t.Context(), actor, storage.Page{})
					is.NoErr(err)
					is.Equal(len(orgs), 0) // nothing was created
				}
			})
		}
	})

	t.Run("OrganizationNamesWithInvisibleOrDirectionChangingCharactersAreRejected", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		before := f.snap(t)
		for _, name := range hostileNames {
			slug := uniq("acme")
			_, err := f.svc.CreateOrganization(f.ctx, "creator", membership.NewOrganization{Name: name, Slug: slug})
			wantErr(t, err, membership.ErrInvalidInput)
			_, err = f.st.OrganizationBySlug(f.ctx, slug)
			wantErr(t, err, storage.ErrNotFound) // nothing was created
			_, err = f.svc.CreateOrganization(f.ctx, "creator", membership.NewOrganization{Name: "Acme", Slug: slug, OwnerName: name})
			wantErr(t, err, membership.ErrInvalidInput)
			_, err = f.st.OrganizationBySlug(f.ctx, slug)
			wantErr(t, err, storage.ErrNotFound)
			_, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Name: &name})
			wantErr(t, err, membership.ErrInvalidInput)
		}
		f.unchanged(t, before)
		// Letters of every script, accents, emoji and inner spaces are fine.
		for _, name := range []string{"Équipe vidéo 🎬", "مؤسسة", "שלום עולם", "株式会社 アクメ", "Ünal & Co."} {
			_, err := f.svc.CreateOrganization(f.ctx, "creator", membership.NewOrganization{Name: name, Slug: uniq("ok")})
			is.NoErr(err)
		}
	})

	t.Run("ReadingAnUnknownOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		_, err := f.svc.Organization(f.ctx, newID())
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.OrganizationBySlug(f.ctx, uniq("missing"))
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.svc.Organization(f.ctx, uuid.Nil)
		wantErr(t, err, membership.ErrInvalidInput)
	})

	t.Run("OwnerRenamesTheOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		f.clk.Advance(time.Hour)
		name, slug := "Renamed", uniq("renamed")
		got, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Name: &name, Slug: &slug})
		is.NoErr(err)
		is.Equal(got.Name, name)
		is.Equal(got.Slug, slug)
		is.True(got.UpdatedAt.Equal(start.Add(time.Hour))) // UpdatedAt comes from the clock
		is.True(got.CreatedAt.Equal(start))                // CreatedAt is kept
		stored, err := f.svc.OrganizationBySlug(f.ctx, slug)
		is.NoErr(err)
		is.Equal(stored.Name, name)
		_, err = f.svc.OrganizationBySlug(f.ctx, f.org.Slug)
		wantErr(t, err, membership.ErrNotFound)
	})

	t.Run("AdminChangesSettingsButNotSeats", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Seats: 10, Licences: 5}))
		f.add(t, "admin", roles.OrgAdmin)
		s := f.org.Settings
		s.MembersMayInvite = true
		got, err := f.svc.UpdateOrganization(f.ctx, "admin", f.org.ID, membership.OrganizationUpdate{Settings: &s})
		is.NoErr(err) // settings that leave seats and licences alone
		is.Equal(got.Settings.MembersMayInvite, true)

		before := f.snap(t)
		more := got.Settings
		more.Seats = 100
		_, err = f.svc.UpdateOrganization(f.ctx, "admin", f.org.ID, membership.OrganizationUpdate{Settings: &more})
		wantErr(t, err, membership.ErrForbidden) // seats need the billing permission
		more = got.Settings
		more.Licences = 100
		_, err = f.svc.UpdateOrganization(f.ctx, "admin", f.org.ID, membership.OrganizationUpdate{Settings: &more})
		wantErr(t, err, membership.ErrForbidden) // so do licences
		f.unchanged(t, before)

		more.Seats, more.Licences = 100, 100
		got, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &more})
		is.NoErr(err) // the owner holds billing
		is.Equal(got.Settings.Seats, 100)
	})

	// OrganizationUpdate.KeepBilling: "keeps the billing fields of
	// Settings (Seats, Licences, DeactivatedFreeSeat) as they stand when
	// the update runs, whatever Settings holds".
	t.Run("KeepBillingLeavesSeatsAsTheyStand", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{Seats: 10, Licences: 5}))
		f.add(t, "admin", roles.OrgAdmin)
		stale := f.org.Settings // read before the owner raises the seats
		raised := stale
		raised.Seats, raised.Licences, raised.DeactivatedFreeSeat = 20, 8, true
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &raised})
		is.NoErr(err)

		stale.MembersMayInvite = true
		got, err := f.svc.UpdateOrganization(f.ctx, "admin", f.org.ID, membership.OrganizationUpdate{Settings: &stale, KeepBilling: true})
		is.NoErr(err) // no billing change asked, none needed
		is.Equal(got.Settings.MembersMayInvite, true)
		is.Equal([]any{got.Settings.Seats, got.Settings.Licences, got.Settings.DeactivatedFreeSeat}, []any{20, 8, true})
		o, err := f.st.Organization(f.ctx, f.org.ID)
		is.NoErr(err)
		is.Equal(o.Settings, got.Settings) // as stored
		// Without it, the stale seats are a change: billing is needed.
		stale.MembersMayInvite = false
		_, err = f.svc.UpdateOrganization(f.ctx, "admin", f.org.ID, membership.OrganizationUpdate{Settings: &stale})
		wantErr(t, err, membership.ErrForbidden)
	})

	// OrganizationUpdate.KeepMembersMayInvite: "keeps
	// Settings.MembersMayInvite as it stands when the update runs, whatever
	// Settings holds".
	t.Run("KeepMembersMayInviteLeavesItAsItStands", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore, withSettings(membership.Settings{MembersMayInvite: true}))
		stale := f.org.Settings // read before the owner turns it off
		off := stale
		off.MembersMayInvite = false
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &off})
		is.NoErr(err)

		stale.LinksDisabled = true
		got, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &stale, KeepMembersMayInvite: true})
		is.NoErr(err)
		is.Equal(got.Settings.LinksDisabled, true)
		is.Equal(got.Settings.MembersMayInvite, false) // not turned back on
		o, err := f.st.Organization(f.ctx, f.org.ID)
		is.NoErr(err)
		is.Equal(o.Settings, got.Settings) // as stored
		// Without it, the stale setting turns it back on.
		got, err = f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &stale})
		is.NoErr(err)
		is.Equal(got.Settings.MembersMayInvite, true)
	})

	t.Run("MemberCannotUpdateTheOrganization", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		f.add(t, "alice", roles.OrgMember)
		before := f.snap(t)
		name := "Hijacked"
		for _, actor := range []string{"alice", "stranger"} {
			_, err := f.svc.UpdateOrganization(f.ctx, actor, f.org.ID, membership.OrganizationUpdate{Name: &name})
			wantErr(t, err, membership.ErrForbidden)
		}
		f.unchanged(t, before)
	})

	t.Run("InvalidUpdatesAreRejected", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		other := newFixture(t, newStore, onStore(f.st))
		before := f.snap(t)
		empty, bad, long, taken := "", "Not A Slug", strings.Repeat("x", 5000), other.org.Slug
		badUTF8 := "bad\xff"
		neg := f.org.Settings
		neg.Seats = -5
		for _, c := range []struct {
			name string
			u    membership.OrganizationUpdate
			want error
		}{
			{"EmptyName", membership.OrganizationUpdate{Name: &empty}, membership.ErrInvalidInput},
			{"OverLongName", membership.OrganizationUpdate{Name: &long}, membership.ErrInvalidInput},
			{"InvalidUTF8Name", membership.OrganizationUpdate{Name: &badUTF8}, membership.ErrInvalidInput},
			{"InvalidSlug", membership.OrganizationUpdate{Slug: &bad}, membership.ErrInvalidInput},
			{"TakenSlug", membership.OrganizationUpdate{Slug: &taken}, membership.ErrConflict},
			{"NegativeSeats", membership.OrganizationUpdate{Settings: &neg}, membership.ErrInvalidInput},
		} {
			_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, c.u)
			if err == nil {
				t.Fatalf("%s: got no error, want %v", c.name, c.want)
			}
			wantErr(t, err, c.want)
		}
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, uuid.Nil, membership.OrganizationUpdate{Name: &long})
		wantErr(t, err, membership.ErrInvalidInput)
		f.unchanged(t, before)
	})

	t.Run("OnlyTheOwnerDeletesTheOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "admin", roles.OrgAdmin)
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceAdmin})
		before := f.snap(t)
		for _, actor := range []string{"admin", "alice", "stranger"} {
			wantErr(t, f.svc.DeleteOrganization(f.ctx, actor, f.org.ID), membership.ErrForbidden)
		}
		f.unchanged(t, before)

		is.NoErr(f.svc.DeleteOrganization(f.ctx, f.owner, f.org.ID))
		_, err := f.svc.Organization(f.ctx, f.org.ID)
		wantErr(t, err, membership.ErrNotFound)
		_, err = f.st.Member(f.ctx, f.org.ID, "alice")
		wantErr(t, err, membership.ErrNotFound)
		is.True(!f.can(t, "alice", w.ID, roles.PermView)) // members lose access
		is.True(!f.can(t, f.owner, w.ID, roles.PermView)) // owners too
		wantErr(t, f.svc.DeleteOrganization(f.ctx, f.owner, f.org.ID), membership.ErrNotFound)
		orgs, _, err := f.svc.Organizations(f.ctx, "alice", storage.Page{Limit: storage.MaxPageSize})
		is.NoErr(err)
		for _, o := range orgs {
			is.True(o.ID != f.org.ID) // no longer listed
		}
		// The slug can be used again.
		_, err = f.svc.CreateOrganization(f.ctx, f.owner, membership.NewOrganization{Name: "Again", Slug: f.org.Slug, OwnerEmail: email(f.owner)})
		is.NoErr(err)
	})

	t.Run("OrganizationsListsEveryOrganizationOfAUser", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		user := uniq("user")
		var want []uuid.UUID
		for range 3 {
			g := newFixture(t, newStore, onStore(f.st), ownedBy(user))
			want = append(want, g.org.ID)
		}
		f.add(t, user, roles.OrgMember)
		want = append(want, f.org.ID)
		newFixture(t, newStore, onStore(f.st)) // an organization without the user
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			orgs, next, err := f.svc.Organizations(f.ctx, user, page)
			is.NoErr(err)
			is.True(len(orgs) <= 2)
			for _, o := range orgs {
				got = append(got, o.ID)
			}
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, want) // each organization once, ordered by ID
	})
}
