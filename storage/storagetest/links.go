package storagetest

import (
	"context"
	"fmt"
	"slices"
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

// testLinks runs the shareable-link part of the suite: the contracts of
// invite.Store's link methods on the raw store, then creating, joining,
// revoking and regenerating links through the invite Service. The store
// must also implement invite.Store.
func testLinks(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { testLinkStore(t, newStore) })
	t.Run("Service", func(t *testing.T) { testLinkService(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testLinkConcurrency(t, newStore) })
}

// rawLink returns a link row, not yet stored.
func rawLink(org uuid.UUID) invite.Link {
	return invite.Link{ID: newID(), OrgID: org, Role: roles.OrgMember, CreatedBy: "owner",
		TokenHash: randomHash(), ExpiresAt: start.Add(7 * 24 * time.Hour), CreatedAt: start, UpdatedAt: start}
}

// sameLink fails t when got differs from want in a stored field.
func sameLink(t *testing.T, got, want invite.Link) {
	t.Helper()
	norm := func(l invite.Link) string {
		return fmt.Sprintf("%s|%s|%s|%s|%q|%x|%x|%q|%d|%d|%d|%q|%v|%d|%d|%d|%q",
			l.ID, l.OrgID, l.Role, workspaceRoles(l.Workspaces), l.CreatedBy, l.TokenHash, l.SealedToken, l.KeyID,
			l.MaxUses, l.Uses, unixOrZero(l.ExpiresAt), strings.Join(l.AllowedDomains, ","), l.Revoked,
			unixOrZero(l.RevokedAt), l.CreatedAt.UnixNano(), l.UpdatedAt.UnixNano(), l.Data)
	}
	if g, w := norm(got), norm(want); g != w {
		t.Fatalf("link =\n%s\nwant\n%s", g, w)
	}
}

func allLinks(t *testing.T, ctx context.Context, ist invite.Store, org uuid.UUID) []invite.Link {
	t.Helper()
	var out []invite.Link
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		list, next, err := ist.Links(ctx, org, page)
		if err != nil {
			t.Fatalf("store Links: %v", err)
		}
		out = append(out, list...)
		if next == "" {
			return out
		}
		page.After = next
	}
}

// storedLink reads link id straight from the store.
func (f *ivFixture) storedLink(t *testing.T, id uuid.UUID) invite.Link {
	t.Helper()
	l, err := f.ist.Link(f.ctx, f.org.ID, id)
	if err != nil {
		t.Fatalf("store Link(%s): %v", id, err)
	}
	return l
}

// link creates a link as the owner and returns it with its token.
func (f *ivFixture) link(t *testing.T, nl invite.NewLink) (invite.Link, string) {
	t.Helper()
	l, tok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, nl)
	if err != nil {
		t.Fatalf("CreateLink: %v", err)
	}
	return l, tok
}

// testLinkStore checks each sentence of invite.Store's link contracts.
func testLinkStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("LinkDataIsStoredAsGivenAndEmptyReadsAsNil", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		l := rawLink(o.ID)
		l.Data = hostData()
		is.NoErr(ist.InsertLink(ctx, l))
		got, err := ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		sameLink(t, got, l)
		is.Equal(got.Data, l.Data)
		got, err = ist.LinkByTokenHash(ctx, l.TokenHash)
		is.NoErr(err)
		is.Equal(got.Data, l.Data)
		list := allLinks(t, ctx, ist, o.ID)
		is.Equal(len(list), 1)
		is.Equal(list[0].Data, l.Data)
		l.Data = map[string]string{"folder": "42"}
		is.NoErr(ist.UpdateLink(ctx, l))
		got, err = ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		is.Equal(got.Data, map[string]string{"folder": "42"})
		l.Data = map[string]string{}
		is.NoErr(ist.UpdateLink(ctx, l))
		got, err = ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		is.True(got.Data == nil)
	})

	t.Run("LinkReturnsWhatWasStored", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		w := rawWorkspace(t, ctx, st, o.ID, "w")
		l := rawLink(o.ID)
		l.Role = roles.OrgAdmin
		l.Workspaces = map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor}
		l.SealedToken, l.KeyID = []byte{9, 8, 7}, "k"
		l.MaxUses, l.Uses = 10, 3
		l.AllowedDomains = []string{"example.com", "xn--bcher-kva.example"}
		is.NoErr(ist.InsertLink(ctx, l))
		got, err := ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		sameLink(t, got, l)
		got, err = ist.LinkByTokenHash(ctx, l.TokenHash)
		is.NoErr(err)
		sameLink(t, got, l)
		never := rawLink(o.ID)
		never.ExpiresAt = time.Time{} // no expiry
		is.NoErr(ist.InsertLink(ctx, never))
		got, err = ist.Link(ctx, o.ID, never.ID)
		is.NoErr(err)
		is.True(got.ExpiresAt.IsZero())
	})

	t.Run("InsertLinkRejectsATakenIDOrTokenHashAndAnUnknownOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		l := rawLink(o.ID)
		is.NoErr(ist.InsertLink(ctx, l))
		dupID := rawLink(o.ID)
		dupID.ID = l.ID
		wantErr(t, ist.InsertLink(ctx, dupID), storage.ErrConflict)
		dupHash := rawLink(other.ID)
		dupHash.TokenHash = slices.Clone(l.TokenHash)
		wantErr(t, ist.InsertLink(ctx, dupHash), storage.ErrConflict)
		wantErr(t, ist.InsertLink(ctx, rawLink(newID())), storage.ErrNotFound)
	})

	t.Run("LinksAreScopedToTheirOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		l := rawLink(o.ID)
		is.NoErr(ist.InsertLink(ctx, l))
		_, err := ist.Link(ctx, other.ID, l.ID)
		wantErr(t, err, storage.ErrNotFound)
		moved := l
		moved.OrgID, moved.Revoked = other.ID, true
		wantErr(t, ist.UpdateLink(ctx, moved), storage.ErrNotFound)
		wantErr(t, ist.UseLink(ctx, other.ID, l.ID), storage.ErrNotFound)
		wantErr(t, ist.UseLink(ctx, o.ID, newID()), storage.ErrNotFound)
		is.Equal(len(allLinks(t, ctx, ist, other.ID)), 0)
		got, err := ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		is.Equal(got.Revoked, false)
		is.Equal(got.Uses, 0)
	})

	t.Run("UpdateLinkReplacesAllButUses", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		l := rawLink(o.ID)
		l.MaxUses = 5
		is.NoErr(ist.InsertLink(ctx, l))
		is.NoErr(ist.UseLink(ctx, o.ID, l.ID))
		oldHash := l.TokenHash
		up := l
		up.Role, up.CreatedBy = roles.OrgGuest, "admin"
		up.TokenHash, up.SealedToken, up.KeyID = randomHash(), []byte("s"), "k2"
		up.MaxUses, up.Uses = 7, 99 // Uses is not replaced
		up.ExpiresAt = time.Time{}
		up.AllowedDomains = []string{"example.org"}
		up.Revoked, up.RevokedAt = true, start.Add(time.Hour)
		up.CreatedAt, up.UpdatedAt = start.Add(time.Hour), start.Add(time.Hour) // CreatedAt is not replaced
		is.NoErr(ist.UpdateLink(ctx, up))
		got, err := ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		want := up
		want.Uses, want.CreatedAt = 1, l.CreatedAt
		sameLink(t, got, want)
		_, err = ist.LinkByTokenHash(ctx, oldHash)
		wantErr(t, err, storage.ErrNotFound)
		b := rawLink(o.ID)
		is.NoErr(ist.InsertLink(ctx, b))
		b.TokenHash = up.TokenHash
		wantErr(t, ist.UpdateLink(ctx, b), storage.ErrConflict)
		wantErr(t, ist.UpdateLink(ctx, rawLink(o.ID)), storage.ErrNotFound)
	})

	t.Run("UseLinkCountsUpToMaxUsesAndNotOnARevokedLink", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		l := rawLink(o.ID)
		l.MaxUses = 2
		is.NoErr(ist.InsertLink(ctx, l))
		is.NoErr(ist.UseLink(ctx, o.ID, l.ID))
		is.NoErr(ist.UseLink(ctx, o.ID, l.ID))
		wantErr(t, ist.UseLink(ctx, o.ID, l.ID), storage.ErrConflict)
		got, err := ist.Link(ctx, o.ID, l.ID)
		is.NoErr(err)
		is.Equal(got.Uses, 2) // a refused use changes nothing

		unlimited := rawLink(o.ID)
		is.NoErr(ist.InsertLink(ctx, unlimited))
		for range 5 {
			is.NoErr(ist.UseLink(ctx, o.ID, unlimited.ID))
		}
		got, err = ist.Link(ctx, o.ID, unlimited.ID)
		is.NoErr(err)
		is.Equal(got.Uses, 5)
		unlimited.Revoked, unlimited.RevokedAt = true, start
		is.NoErr(ist.UpdateLink(ctx, unlimited))
		wantErr(t, ist.UseLink(ctx, o.ID, unlimited.ID), storage.ErrConflict)
		got, err = ist.Link(ctx, o.ID, unlimited.ID)
		is.NoErr(err)
		is.Equal(got.Uses, 5)
	})

	t.Run("LinksPageByID", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		ist := inviteStore(t, st)
		o := rawOrg(t, ctx, st)
		var want []uuid.UUID
		for range 5 {
			l := rawLink(o.ID)
			is.NoErr(ist.InsertLink(ctx, l))
			want = append(want, l.ID)
		}
		sortIDs(want)
		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			list, next, err := ist.Links(ctx, o.ID, page)
			is.NoErr(err)
			is.True(len(list) <= 2)
			for _, l := range list {
				got = append(got, l.ID)
			}
			if next == "" {
				break
			}
			page.After = next
		}
		is.Equal(got, want)
		_, _, err := ist.Links(ctx, o.ID, storage.Page{After: "%%%"})
		wantErr(t, err, storage.ErrInvalidCursor)
	})
}

// testLinkService checks shareable links through the invite Service.
func testLinkService(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("LinkDataReachesTheJoinResultAndTheEvents", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivRecorded())
		l, tok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{Data: hostData()})
		is.NoErr(err)
		is.Equal(l.Data, hostData())
		got, err := f.iv.Redeem(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(got.Data, hostData())
		is.Equal(got.Kind, invite.KindLink)
		is.Equal(got.LinkID, l.ID)
		is.Equal(got.Member.UserID, "ann")
		for _, typ := range []string{invite.EventLinkJoined, membership.EventMemberAdded} {
			if !eventually(func() bool {
				for _, e := range f.disp.delivered(f.org.ID, typ) {
					if e.UserID == "ann" {
						return true
					}
				}
				return false
			}) {
				t.Fatalf("no %s event about ann", typ)
			}
			for _, e := range f.disp.delivered(f.org.ID, typ) {
				if e.UserID == "ann" {
					is.Equal(e.Data["data.folder"], hostData()["folder"]) // typ carries the host data
				}
			}
		}
		// A member opening the link again keeps their membership and still
		// gets the data.
		again, err := f.iv.Redeem(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.True(again.AlreadyMember)
		is.Equal(again.Data, hostData())
	})

	t.Run("JoiningGivesTheLinksRoleAndWorkspaces", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "Marketing")
		l, tok := f.link(t, invite.NewLink{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor}, MaxUses: 3})
		is.True(strings.HasPrefix(tok, invite.PrefixLink))
		is.Equal(l.Role, roles.OrgMember) // the default role
		is.True(l.ExpiresAt.Equal(start.Add(invite.DefaultTTL)))
		is.Equal(l.CreatedBy, f.owner)
		p, err := f.iv.Preview(f.ctx, tok)
		is.NoErr(err)
		is.Equal(p.Kind, invite.KindLink)
		is.Equal(p.OrgName, f.org.Name)
		is.Equal(p.Role, roles.OrgMember)
		is.Equal(p.Email, "")
		is.Equal(f.storedLink(t, l.ID).Uses, 0) // looking never joins
		is.True(!f.isMember(t, "ann"))

		m, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember)
		is.Equal(m.InvitedBy, f.owner)
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceContributor})
		is.Equal(f.storedLink(t, l.ID).Uses, 1)
		// A member joining again uses nothing.
		m, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.UserID, "ann")
		is.Equal(f.storedLink(t, l.ID).Uses, 1)
		acts := f.actions(t)
		is.True(slices.Contains(acts, invite.EventLinkCreated))
		is.True(slices.Contains(acts, invite.EventLinkJoined))
		stored := f.storedLink(t, l.ID)
		is.True(!strings.Contains(fmt.Sprintf("%+v", stored), tok[5:])) // only a digest is stored
	})

	t.Run("ALinkNeverGivesMoreThanItsCreatorHolds", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "adm", roles.OrgAdmin)
		f.add(t, "inviter", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		if _, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "inviter", roles.Grants(roles.PermInvite)); err != nil {
			t.Fatal(err)
		}
		other := newInviteFixture(t, newStore, ivOn(f.st))
		foreign := other.workspace(t, "F")
		for _, tc := range []struct {
			actor string
			nl    invite.NewLink
			want  error
		}{
			{f.owner, invite.NewLink{Role: roles.OrgOwner}, nil},
			{"adm", invite.NewLink{Role: roles.OrgAdmin}, nil},
			{"adm", invite.NewLink{Role: roles.OrgOwner}, invite.ErrForbidden},
			{"inviter", invite.NewLink{Role: roles.OrgAdmin}, invite.ErrForbidden},
			{"inviter", invite.NewLink{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}}, invite.ErrForbidden},
			{"inviter", invite.NewLink{Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}}, nil},
			{f.owner, invite.NewLink{Role: "czar"}, invite.ErrInvalidRole},
			{f.owner, invite.NewLink{Workspaces: map[uuid.UUID]roles.Role{foreign.ID: roles.WorkspaceViewer}}, invite.ErrNotFound},
			{f.owner, invite.NewLink{MaxUses: -1}, invite.ErrInvalidInput},
			{f.owner, invite.NewLink{ExpiresAt: start.Add(-time.Second)}, invite.ErrInvalidInput},
			{f.owner, invite.NewLink{AllowedDomains: []string{"a@[127.0.0.1]"}}, invite.ErrInvalidInput},
			{f.owner, invite.NewLink{AllowedDomains: []string{"localhost"}}, invite.ErrInvalidInput},
			{f.owner, invite.NewLink{AllowedDomains: []string{"exаmple.com"}}, invite.ErrInvalidInput}, // Cyrillic а
		} {
			t.Run(fmt.Sprintf("%s %+v", tc.actor, tc.nl), func(t *testing.T) {
				before := f.ivSnap(t)
				_, _, err := f.iv.CreateLink(f.ctx, tc.actor, f.org.ID, tc.nl)
				if tc.want == nil {
					if err != nil {
						t.Fatalf("CreateLink: %v", err)
					}
					return
				}
				wantErr(t, err, tc.want)
				f.ivUnchanged(t, before)
			})
		}
	})

	t.Run("ARevokedExpiredOrUsedUpLinkAdmitsNobody", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		revoked, rtok := f.link(t, invite.NewLink{})
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, revoked.ID))
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, revoked.ID)) // revoking again does nothing
		once, otok := f.link(t, invite.NewLink{MaxUses: 1})
		_, err := f.iv.Join(f.ctx, otok, verified("first", "first@example.com"))
		is.NoErr(err)
		short, stok := f.link(t, invite.NewLink{ExpiresAt: start.Add(time.Hour)})
		is.True(f.storedLink(t, short.ID).ExpiresAt.Equal(start.Add(time.Hour)))
		f.clk.Advance(time.Hour)
		before := f.ivSnap(t)
		for _, tc := range []struct {
			tok  string
			want error
		}{{rtok, invite.ErrRevoked}, {otok, invite.ErrUsedUp}, {stok, invite.ErrExpired}} {
			_, err := f.iv.Join(f.ctx, tc.tok, verified("ann", "ann@example.com"))
			wantErr(t, err, tc.want)
			_, err = f.iv.Preview(f.ctx, tc.tok)
			wantErr(t, err, tc.want)
		}
		f.ivUnchanged(t, before)
		is.Equal(f.storedLink(t, once.ID).Uses, 1)
		is.True(!f.isMember(t, "ann"))
		is.Equal(len(f.denied(t, invite.EventLinkJoined)), 3) // each refusal is audited
		_, _, err = f.iv.RegenerateLink(f.ctx, f.owner, f.org.ID, revoked.ID)
		wantErr(t, err, invite.ErrRevoked)
	})

	t.Run("LinksWithoutExpiryLastUntilRevoked", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.LinkTTL = -1 }))
		l, tok := f.link(t, invite.NewLink{})
		is.True(l.ExpiresAt.IsZero())
		f.clk.Advance(365 * 24 * time.Hour)
		_, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("RegeneratingKillsTheOldToken", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		l, old := f.link(t, invite.NewLink{MaxUses: 5})
		_, err := f.iv.Join(f.ctx, old, verified("ann", "ann@example.com"))
		is.NoErr(err)
		got, tok, err := f.iv.RegenerateLink(f.ctx, f.owner, f.org.ID, l.ID)
		is.NoErr(err)
		is.True(tok != old)
		is.Equal(got.ID, l.ID)
		_, err = f.iv.Join(f.ctx, old, verified("bob", "bob@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Preview(f.ctx, old)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Join(f.ctx, tok, verified("bob", "bob@example.com"))
		is.NoErr(err)
		is.Equal(f.storedLink(t, l.ID).Uses, 2) // uses carry over
		is.True(slices.Contains(f.actions(t), invite.EventLinkRegenerated))
	})

	t.Run("AllowedDomainsAndVerifiedEmailsDecideWhoJoins", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		l, tok := f.link(t, invite.NewLink{AllowedDomains: []string{"Example.COM.", "bücher.example"}})
		is.Equal(f.storedLink(t, l.ID).AllowedDomains, []string{"example.com", "xn--bcher-kva.example"}) // normalized
		before := f.ivSnap(t)
		for _, tc := range []struct {
			in   invite.Invitee
			want error
		}{
			{invite.Invitee{UserID: "u1", Email: "u1@example.com"}, invite.ErrEmailNotVerified},
			{verified("u2", "u2@evil.test"), invite.ErrDomainNotAllowed},
			{verified("u3", "u3@example.com.evil.test"), invite.ErrDomainNotAllowed},
			{verified("u4", "u4@notexample.com"), invite.ErrDomainNotAllowed},
			{verified("u5", "u5@exаmple.com"), invite.ErrEmailMismatch}, // Cyrillic а: not even an address
		} {
			_, err := f.iv.Join(f.ctx, tok, tc.in)
			wantErr(t, err, tc.want)
		}
		f.ivUnchanged(t, before)
		for _, addr := range []string{"ok1@EXAMPLE.com", "ok2@eng.example.com", "ok3@bücher.example"} {
			_, err := f.iv.Join(f.ctx, tok, verified(strings.SplitN(addr, "@", 2)[0], addr))
			is.NoErr(err)
		}
		is.Equal(f.storedLink(t, l.ID).Uses, 3)
	})

	t.Run("OutsidersJoinAsGuestsOrNotAtAll", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}}))
		_, tok := f.link(t, invite.NewLink{Role: roles.OrgMember})
		m, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@acme.test"))
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindCoworker)
		m, err = f.iv.Join(f.ctx, tok, verified("bob", "bob@partner.test"))
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindGuest)
		is.Equal(m.Role, roles.OrgGuest)

		g := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}, GuestPolicy: membership.GuestsDenied}))
		_, gtok := g.link(t, invite.NewLink{})
		_, err = g.iv.Join(g.ctx, gtok, verified("bob", "bob@partner.test"))
		wantErr(t, err, invite.ErrGuestsNotAllowed)
		is.True(!g.isMember(t, "bob"))
	})

	t.Run("TheOrganizationCanTurnLinksOff", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		l, tok := f.link(t, invite.NewLink{})
		set := f.org.Settings
		set.LinksDisabled = true
		_, err := f.svc.UpdateOrganization(f.ctx, f.owner, f.org.ID, membership.OrganizationUpdate{Settings: &set})
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrLinksDisabled)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrLinksDisabled)
		_, _, err = f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		wantErr(t, err, invite.ErrLinksDisabled)
		_, _, err = f.iv.RegenerateLink(f.ctx, f.owner, f.org.ID, l.ID)
		wantErr(t, err, invite.ErrLinksDisabled)
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, l.ID)) // revoking still works
		is.True(!f.isMember(t, "ann"))
		is.True(len(f.denied(t, invite.EventLinkCreated)) == 1)
	})

	t.Run("ALinkCarriesItsCreatorsAuthorityAsItStandsNow", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// Members may invite: a demoted admin keeps the right to invite
		// (and its links), but no longer gives admin.
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{MembersMayInvite: true}))
		f.add(t, "adm", roles.OrgAdmin)
		l, tok, err := f.iv.CreateLink(f.ctx, "adm", f.org.ID, invite.NewLink{Role: roles.OrgAdmin})
		is.NoErr(err)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "adm", roles.OrgMember)
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrForbidden)
		is.True(!f.isMember(t, "ann"))
		is.Equal(f.storedLink(t, l.ID).Uses, 0)
		// The demoted creator can no longer re-issue it, the owner can.
		_, _, err = f.iv.RegenerateLink(f.ctx, "adm", f.org.ID, l.ID)
		wantErr(t, err, invite.ErrForbidden)
		_, tok, err = f.iv.RegenerateLink(f.ctx, f.owner, f.org.ID, l.ID)
		is.NoErr(err) // now on the owner's authority
		_, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(f.member(t, "ann").Role, roles.OrgAdmin)
	})

	t.Run("SeatsCountMembersAndPendingInvitationsForLinks", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 3}))
		f.inviteOne(t, "invited@example.com", roles.OrgMember)
		_, tok := f.link(t, invite.NewLink{})
		_, err := f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err) // owner + invited + ann = 3
		_, err = f.iv.Join(f.ctx, tok, verified("bob", "bob@example.com"))
		wantErr(t, err, invite.ErrSeatLimit)
		is.True(!f.isMember(t, "bob"))
		// The invitee may still join through the link: their seat is held.
		_, err = f.iv.Join(f.ctx, tok, verified("invited", "invited@example.com"))
		is.NoErr(err)
		is.Equal(len(f.invitations(t, invite.StatusAccepted)), 1) // the invitation is answered
		is.Equal(f.count(t, membership.MemberFilter{}), 3)
	})

	t.Run("CopyingTheLinkURLNeedsTheKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.Key = testKey }))
		l, tok := f.link(t, invite.NewLink{})
		url, err := f.iv.LinkURL(f.ctx, f.owner, f.org.ID, l.ID)
		is.NoErr(err)
		is.Equal(url, "https://app.example.com/invite/"+tok)
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, l.ID))
		_, err = f.iv.LinkURL(f.ctx, f.owner, f.org.ID, l.ID)
		wantErr(t, err, invite.ErrRevoked)
		g := newInviteFixture(t, newStore)
		gl, _ := g.link(t, invite.NewLink{})
		_, err = g.iv.LinkURL(g.ctx, g.owner, g.org.ID, gl.ID)
		wantErr(t, err, invite.ErrNoKey)
	})

	t.Run("LinksAreListed", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "guest", roles.OrgGuest)
		a, _ := f.link(t, invite.NewLink{})
		b, _ := f.link(t, invite.NewLink{})
		got, next, err := f.iv.Links(f.ctx, f.owner, f.org.ID, storage.Page{Limit: 1})
		is.NoErr(err)
		is.Equal(len(got), 1)
		rest, _, err := f.iv.Links(f.ctx, f.owner, f.org.ID, storage.Page{After: next})
		is.NoErr(err)
		ids := []uuid.UUID{got[0].ID, rest[0].ID}
		want := []uuid.UUID{a.ID, b.ID}
		sortIDs(want)
		is.Equal(ids, want)
		_, _, err = f.iv.Links(f.ctx, "guest", f.org.ID, storage.Page{})
		wantErr(t, err, invite.ErrForbidden)
	})
}
