package storagetest

import (
	"crypto/sha256"
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

// testInvitationLifecycle follows invitations from creation to their end:
// pending -> accepted | rejected | revoked | expired.
func testInvitationLifecycle(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AcceptGivesTheInvitedRoleWorkspacesAndGrantsInOneStep", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w1, w2 := f.workspace(t, "Marketing"), f.workspace(t, "Sales")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "Ann <Ann@Example.com>", Role: roles.OrgMember, Grants: roles.Grants(roles.PermBilling),
			Workspaces: map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer},
		})
		is.NoErr(err)
		is.Equal(len(res.Addresses), 1)
		r := res.Addresses[0]
		is.Equal(r.Outcome, invite.Invited)
		is.Equal(r.Address.Email, "Ann@Example.com") // kept as typed
		is.Equal(r.Address.Key, "ann@example.com")
		is.Equal(r.Address.Name, "Ann")
		is.Equal(r.URL, "https://app.example.com/invite/"+r.Token)
		inv := f.stored(t, r.Invitation.ID)
		is.Equal(inv.Status, invite.StatusPending)
		is.Equal(inv.Email, "Ann@Example.com")
		is.Equal(inv.EmailKey, "ann@example.com")
		is.Equal(inv.Role, roles.OrgMember)
		is.Equal(inv.Kind, membership.KindCoworker)
		is.Equal(inv.Grants, roles.Grants(roles.PermBilling))
		is.Equal(inv.InvitedBy, f.owner)
		is.Equal(inv.Sends, 1)
		is.True(inv.ExpiresAt.Equal(start.Add(invite.DefaultTTL))) // the default expiry is 7 days
		is.True(!f.isMember(t, "ann"))                             // nothing before accepting

		f.clk.Advance(time.Hour)
		m, err := f.iv.Accept(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.UserID, "ann")
		is.Equal(m.Role, roles.OrgMember)
		is.Equal(m.Grants, roles.Grants(roles.PermBilling))
		is.Equal(m.Kind, membership.KindCoworker)
		is.Equal(m.InvitedBy, f.owner)
		stored := f.member(t, "ann")
		is.Equal(stored.Role, roles.OrgMember)
		is.Equal(stored.Grants, roles.Grants(roles.PermBilling))
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceContributor, w2.ID: roles.WorkspaceViewer})
		is.True(f.can(t, "ann", w1.ID, roles.PermUploadVideo))  // contributor uploads
		is.True(!f.can(t, "ann", w2.ID, roles.PermUploadVideo)) // viewer does not
		inv = f.stored(t, inv.ID)
		is.Equal(inv.Status, invite.StatusAccepted)
		is.Equal(inv.AcceptedBy, "ann")
		is.True(inv.DecidedAt.Equal(start.Add(time.Hour)))
		acts := f.actions(t)
		is.True(slices.Contains(acts, invite.EventInvitationCreated))
		is.True(slices.Contains(acts, membership.EventMemberAdded))
		is.True(slices.Contains(acts, invite.EventInvitationAccepted))
	})

	t.Run("ABatchInvitesEachDistinctAddressOnce", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "ann@acme.test; Bob <bob@partner.test>, carl@acme.test\nANN@ACME.TEST.",
			List:   []string{"dan@acme.test", "bob@PARTNER.test"},
		})
		is.NoErr(err)
		var keys []string
		for _, r := range res.Addresses {
			is.Equal(r.Outcome, invite.Invited)
			keys = append(keys, r.Address.Key)
		}
		is.Equal(keys, []string{"ann@acme.test", "bob@partner.test", "carl@acme.test", "dan@acme.test"}) // in the order typed
		is.Equal(len(f.invitations(t, invite.StatusPending)), 4)
		is.Equal(res.Addresses[1].Invitation.Name, "Bob")
		is.Equal(res.Addresses[0].Invitation.Role, roles.OrgMember) // "" is the catalog's default
		tokens := map[string]bool{}
		for _, r := range res.Addresses {
			tokens[r.Token] = true
		}
		is.Equal(len(tokens), 4) // one token each
	})

	t.Run("InvitingAgainRefreshesThePendingInvitation", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		first, oldTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(24 * time.Hour)
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "Ann@EXAMPLE.com", Role: roles.OrgAdmin})
		is.NoErr(err)
		r := res.Addresses[0]
		is.Equal(r.Outcome, invite.Reinvited)
		is.Equal(r.Invitation.ID, first.ID) // the same invitation
		is.Equal(len(f.invitations(t)), 1)
		inv := f.stored(t, first.ID)
		is.Equal(inv.Role, roles.OrgAdmin) // set to the new request
		is.Equal(inv.Sends, 2)
		is.True(inv.ExpiresAt.Equal(start.Add(24*time.Hour + invite.DefaultTTL))) // expiry extended
		_, err = f.iv.Accept(f.ctx, oldTok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken) // the old token stopped working
		m, err := f.iv.Accept(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgAdmin)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationRefreshed))
	})

	t.Run("AnAddressOfAMemberIsReportedAndNotInvited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "ann", roles.OrgMember) // ann@example.com
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ANN@example.com, bob@example.com"})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Outcome, invite.AlreadyMember)
		is.Equal(res.Addresses[0].Token, "")
		is.Equal(res.Addresses[1].Outcome, invite.Invited)
		list := f.invitations(t)
		is.Equal(len(list), 1)
		is.Equal(list[0].EmailKey, "bob@example.com")
	})

	t.Run("ResendRotatesTheTokenAndExtendsTheExpiry", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, oldTok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(3 * 24 * time.Hour)
		got, tok, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.True(tok != oldTok)
		is.True(got.ExpiresAt.Equal(start.Add(3*24*time.Hour + invite.DefaultTTL)))
		stored := f.stored(t, inv.ID)
		is.Equal(stored.Sends, 2)
		is.True(stored.SentAt.Equal(start.Add(3 * 24 * time.Hour)))
		_, err = f.iv.Preview(f.ctx, oldTok)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Accept(f.ctx, oldTok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationResent))
	})

	t.Run("RevokedInvitationCannotBeAccepted", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRevoked)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRevoked)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrRevoked)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrRevoked)
		_, _, err = f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrRevoked)
		audited := len(f.actions(t))
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID)) // revoking again does nothing, as for links
		is.Equal(len(f.actions(t)), audited)                    // and writes nothing
		f.add(t, "mia", roles.OrgMember)
		wantErr(t, f.iv.Revoke(f.ctx, "mia", f.org.ID, inv.ID), invite.ErrForbidden) // but only for who may revoke it
		is.True(!f.isMember(t, "ann"))
		is.Equal(len(f.denied(t, invite.EventInvitationAccepted)), 1) // the attempt is audited
		// The address may be invited afresh.
		again, tok2 := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(again.ID != inv.ID)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("RejectedInvitationCannotBeAccepted", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.NoErr(f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRejected)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrRejected)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrRejected)
		wantErr(t, f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID), invite.ErrRejected)
		is.True(!f.isMember(t, "ann"))
		is.True(slices.Contains(f.actions(t), invite.EventInvitationRejected))
	})

	t.Run("ExpiredInvitationCannotBeAcceptedUntilResent", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.clk.Advance(invite.DefaultTTL - time.Second)
		_, err := f.iv.Preview(f.ctx, tok)
		is.NoErr(err) // still valid a second before
		f.clk.Advance(time.Second)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrExpired)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrExpired)
		wantErr(t, f.iv.Reject(f.ctx, tok, verified("ann", "ann@example.com")), invite.ErrExpired)
		is.True(!f.isMember(t, "ann"))
		is.Equal(len(f.invitations(t, invite.StatusExpired)), 1)
		is.Equal(len(f.invitations(t, invite.StatusPending)), 0)
		past, _, err := f.iv.Invitations(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{Statuses: invite.Past()}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(past), 1) // listed with the past ones
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("ExpiryIsConfigurable", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.TTL = time.Hour }))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(inv.ExpiresAt.Equal(start.Add(time.Hour)))
		f.clk.Advance(time.Hour)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrExpired)
	})

	t.Run("AcceptingTwiceYieldsOneMembership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		before := f.ivSnap(t)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrAlreadyUsed)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann2", "ann@example.com"))
		wantErr(t, err, invite.ErrAlreadyUsed)
		_, err = f.iv.Preview(f.ctx, tok)
		wantErr(t, err, invite.ErrAlreadyUsed)
		f.ivUnchanged(t, before)
		is.Equal(f.count(t, membership.MemberFilter{}), 2)
	})

	t.Run("AMemberAcceptingKeepsTheirMembership", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		// Invited at a second address of hers (a direct add at the invited
		// address revokes the invitation: see Seats).
		inv, tok := f.inviteOne(t, "ann@home.example.com", roles.OrgAdmin)
		f.add(t, "ann", roles.OrgMember)
		m, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@home.example.com"))
		is.NoErr(err)
		is.Equal(m.Role, roles.OrgMember) // unchanged
		is.Equal(f.member(t, "ann").Role, roles.OrgMember)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusAccepted)
	})

	t.Run("AcceptNeedsTheVerifiedInvitedEmail", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "Mike.Lee@Example.com", roles.OrgMember)
		before := f.ivSnap(t)
		for _, tc := range []struct {
			in   invite.Invitee
			want error
		}{
			{invite.Invitee{UserID: "mike", Email: "mike.lee@example.com"}, invite.ErrEmailNotVerified},
			{verified("mike", "someone@example.com"), invite.ErrEmailMismatch},
			{verified("mike", "mikelee@example.com"), invite.ErrEmailMismatch},    // dots are not ignored
			{verified("mike", "mike.lee+x@example.com"), invite.ErrEmailMismatch}, // nor plus tags
			{verified("mike", "mıke.lee@example.com"), invite.ErrEmailMismatch},   // nor Unicode look-alikes
			{verified("mike", "mike.lee@example.com.evil.test"), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@exаmple.com"), invite.ErrEmailMismatch}, // Cyrillic а
			{verified("mike", "Mike <mike.lee@example.com>"), invite.ErrEmailMismatch},
			{verified("mike", ""), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@example.com\r\nBcc: x@y.test"), invite.ErrEmailMismatch},
		} {
			_, err := f.iv.Accept(f.ctx, tok, tc.in)
			wantErr(t, err, tc.want)
		}
		f.ivUnchanged(t, before)
		is.True(len(f.denied(t, invite.EventInvitationAccepted)) >= 2) // refusals are audited
		// ASCII case and a trailing dot do not matter.
		m, err := f.iv.Accept(f.ctx, tok, verified("mike", "MIKE.LEE@example.COM."))
		is.NoErr(err)
		is.Equal(m.UserID, "mike")
	})

	t.Run("DecliningNeedsTheVerifiedInvitedEmail", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "Mike.Lee@Example.com", roles.OrgMember)
		before := f.ivSnap(t)
		for _, tc := range []struct {
			in   invite.Invitee
			want error
		}{
			{invite.Invitee{UserID: "mike", Email: "mike.lee@example.com"}, invite.ErrEmailNotVerified},
			{verified("stranger", "stranger@example.com"), invite.ErrEmailMismatch}, // a forwarded link
			{verified("mike", "mike.lee+x@example.com"), invite.ErrEmailMismatch},
			{verified("mike", "mike.lee@exаmple.com"), invite.ErrEmailMismatch}, // Cyrillic а
			{verified("mike", ""), invite.ErrEmailMismatch},
			{verified("", "mike.lee@example.com"), invite.ErrInvalidInput},
		} {
			wantErr(t, f.iv.Reject(f.ctx, tok, tc.in), tc.want)
		}
		f.ivUnchanged(t, before)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusPending)
		denied := f.denied(t, invite.EventInvitationRejected)
		is.True(len(denied) >= 2) // refused declines are audited
		actors := map[string]bool{}
		for _, e := range denied {
			actors[e.Actor] = true
		}
		is.True(actors["stranger"]) // with who tried
		// The invitee declines, and the invitation is over.
		is.NoErr(f.iv.Reject(f.ctx, tok, verified("mike", "MIKE.LEE@example.COM")))
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusRejected)
		_, err := f.iv.Accept(f.ctx, tok, verified("mike", "mike.lee@example.com"))
		wantErr(t, err, invite.ErrRejected)
	})

	t.Run("ATokenOfAnotherOrganizationIsNotDeclined", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		in := verified("ann", "ann@example.com")
		in.Org = newID()
		wantErr(t, f.iv.Reject(f.ctx, tok, in), invite.ErrInvalidToken)
		is.Equal(f.stored(t, inv.ID).Status, invite.StatusPending)
	})

	t.Run("InvitationDataReachesTheAcceptResultAndTheEvents", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivRecorded())
		data := hostData()
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Data: data})
		is.NoErr(err)
		r := res.Addresses[0]
		is.Equal(r.Invitation.Data, data)
		is.Equal(f.stored(t, r.Invitation.ID).Data, data)
		data["folder"] = "changed by the caller afterwards"
		is.True(f.stored(t, r.Invitation.ID).Data["folder"] != data["folder"]) // copied, not shared
		want := hostData()
		got, err := f.iv.Redeem(f.ctx, r.Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(got.Data, want)
		is.Equal(got.Kind, invite.KindInvitation)
		is.Equal(got.InvitationID, r.Invitation.ID)
		is.Equal(got.Member.UserID, "ann")
		is.True(!got.AlreadyMember)
		for _, typ := range []string{invite.EventInvitationAccepted, membership.EventMemberAdded} {
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
				if e.UserID != "ann" {
					continue
				}
				for k, v := range want {
					is.Equal(e.Data["data."+k], v) // typ carries the host data
				}
			}
		}
		// The audit trail does not keep it.
		for _, e := range f.audit(t) {
			for k := range e.After {
				is.True(!strings.HasPrefix(k, "data."))
			}
		}
		// Inviting again replaces it with the new request's.
		res, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com", Data: map[string]string{"a": "1"}})
		is.NoErr(err)
		res, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com"})
		is.NoErr(err)
		is.True(f.stored(t, res.Addresses[0].Invitation.ID).Data == nil)
	})

	t.Run("InvalidHostDataIsRefusedAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		tooMany := map[string]string{}
		for i := range invite.MaxDataKeys + 1 {
			tooMany[fmt.Sprintf("k%d", i)] = "v"
		}
		before := f.ivSnap(t)
		for _, d := range map[string]map[string]string{
			"too many keys":       tooMany,
			"empty key":           {"": "v"},
			"long key":            {strings.Repeat("k", invite.MaxDataKeyLen+1): "v"},
			"key with a colon":    {"a:b": "v"},
			"long value":          {"k": strings.Repeat("v", invite.MaxDataValueLen+1)},
			"invalid UTF-8 value": {"k": "\xff"},
		} {
			_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com", Data: d})
			wantErr(t, err, invite.ErrInvalidInput)
			_, _, err = f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{Data: d})
			wantErr(t, err, invite.ErrInvalidInput)
			_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "ann", Email: "ann@example.com", Data: d})
			wantErr(t, err, membership.ErrInvalidInput)
		}
		f.ivUnchanged(t, before)
	})

	t.Run("UnverifiedEmailsAreAcceptedOnlyWhenTheHostSaysSo", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivOpts(func(o *invite.Options) { o.AllowUnverifiedEmail = true }))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, err := f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "bob@example.com"})
		wantErr(t, err, invite.ErrEmailMismatch) // the address must still match
		_, err = f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "ann@example.com"})
		is.NoErr(err)
	})

	t.Run("PreviewShowsTheOfferAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "Marketing")
		other, _ := f.inviteOne(t, "zed@example.com", roles.OrgMember)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.ivSnap(t)
		for range 2 {
			p, err := f.iv.Preview(f.ctx, tok)
			is.NoErr(err)
			is.Equal(p.Kind, invite.KindInvitation)
			is.Equal(p.OrgID, f.org.ID)
			is.Equal(p.OrgName, f.org.Name)
			is.Equal(p.InviterName, "The Owner")
			is.Equal(p.InviterEmail, email(f.owner))
			is.Equal(p.Email, "ann@example.com")
			is.Equal(p.Role, roles.OrgMember)
			is.Equal(p.Workspaces, []invite.WorkspaceRole{{ID: w.ID, Name: "Marketing", Role: roles.WorkspaceViewer}})
			is.True(p.ExpiresAt.Equal(inv.ExpiresAt))
			text := fmt.Sprintf("%+v", p)
			is.True(!strings.Contains(text, tok[5:20]))                        // no token
			is.True(!strings.Contains(text, other.EmailKey))                   // nothing of another invitation
			is.True(!strings.Contains(text, fmt.Sprintf("%x", inv.TokenHash))) // no digest
		}
		f.ivUnchanged(t, before)
		is.True(!f.isMember(t, "ann"))
	})

	t.Run("ListsShowPendingAndPastInvitationsPaged", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		f.add(t, "viewer", roles.OrgMember)
		f.add(t, "guest", roles.OrgGuest)
		a, _ := f.inviteOne(t, "a@example.com", roles.OrgMember)
		b, tb := f.inviteOne(t, "b@example.com", roles.OrgMember)
		c, _ := f.inviteOne(t, "c@example.com", roles.OrgMember)
		d, td := f.inviteOne(t, "d@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, a.ID))
		_, err := f.iv.Accept(f.ctx, tb, verified("b", "b@example.com"))
		is.NoErr(err)
		is.NoErr(f.iv.Reject(f.ctx, td, verified("d", "d@example.com")))
		list := func(actor string, statuses []invite.Status, limit int) []uuid.UUID {
			var out []uuid.UUID
			page := storage.Page{Limit: limit}
			for {
				got, next, err := f.iv.Invitations(f.ctx, actor, f.org.ID, invite.InvitationFilter{Statuses: statuses}, page)
				is.NoErr(err)
				is.True(len(got) <= limit)
				for _, inv := range got {
					out = append(out, inv.ID)
				}
				if next == "" {
					return out
				}
				page.After = next
			}
		}
		is.Equal(list(f.owner, invite.Pending(), 1), []uuid.UUID{c.ID})
		past := []uuid.UUID{a.ID, b.ID, d.ID}
		sortIDs(past)
		is.Equal(list(f.owner, invite.Past(), 1), past)
		is.Equal(list("viewer", []invite.Status{invite.StatusAccepted}, 5), []uuid.UUID{b.ID}) // members see the list
		is.Equal(len(list(f.owner, nil, 2)), 4)
		_, _, err = f.iv.Invitations(f.ctx, "guest", f.org.ID, invite.InvitationFilter{}, storage.Page{})
		wantErr(t, err, invite.ErrForbidden)
		_, _, err = f.iv.Invitations(f.ctx, "stranger", f.org.ID, invite.InvitationFilter{}, storage.Page{})
		wantErr(t, err, invite.ErrForbidden)
		_, _, err = f.iv.Invitations(f.ctx, f.owner, f.org.ID, invite.InvitationFilter{Statuses: []invite.Status{"lost"}}, storage.Page{})
		wantErr(t, err, invite.ErrInvalidInput)
		got, err := f.iv.Invitation(f.ctx, "viewer", f.org.ID, c.ID)
		is.NoErr(err)
		is.Equal(got.EmailKey, "c@example.com")
	})

	t.Run("UpdateInvitationChangesWhatAcceptingGives", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "W")
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		grants := roles.Grants(roles.PermAPIAccess)
		up, err := f.iv.UpdateInvitation(f.ctx, f.owner, f.org.ID, inv.ID, invite.InvitationUpdate{
			Grants: &grants, Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin}})
		is.NoErr(err)
		is.Equal(up.Role, roles.OrgMember)
		is.Equal(f.stored(t, inv.ID).TokenHash, inv.TokenHash) // the token stays
		m, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(m.Grants, grants)
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceAdmin})
		is.True(slices.Contains(f.actions(t), invite.EventInvitationUpdated))
		_, err = f.iv.UpdateInvitation(f.ctx, f.owner, f.org.ID, inv.ID, invite.InvitationUpdate{Role: roles.OrgAdmin})
		wantErr(t, err, invite.ErrAlreadyUsed) // only pending invitations change
	})

	t.Run("CopyingTheInvitationURLNeedsTheKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		f := newInviteFixture(t, newStore, ivOn(st), ivOpts(func(o *invite.Options) { o.Keys = []invite.Key{{ID: "k1", Secret: testKey}} }))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		stored := f.stored(t, inv.ID)
		is.Equal(stored.KeyID, "k1")
		is.True(len(stored.SealedToken) > 0)
		is.True(!strings.Contains(string(stored.SealedToken), tok[5:])) // sealed, not stored in the clear
		url, err := f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, "https://app.example.com/invite/"+tok)
		is.True(slices.Contains(f.actions(t), invite.EventInvitationURLShown)) // copying is audited

		// After a resend, the copy is the new URL.
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		url, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, "https://app.example.com/invite/"+tok2)

		// A rotated key ring still opens it; a ring without k1 does not.
		k2 := []byte("fedcba9876543210fedcba9876543210")
		rotated := newInvite(t, f.svc, invite.Options{Keys: []invite.Key{{ID: "k2", Secret: k2}, {ID: "k1", Secret: testKey}}})
		url, err = rotated.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		is.Equal(url, tok2) // no base URL: the token alone
		dropped := newInvite(t, f.svc, invite.Options{Keys: []invite.Key{{ID: "k2", Secret: k2}}})
		_, err = dropped.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNoKey)
		keyless := newInvite(t, f.svc, invite.Options{})
		_, err = keyless.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNoKey)
		inv2, _ := (&ivFixture{fixture: f.fixture, ist: f.ist, iv: keyless}).inviteOne(t, "bob@example.com", roles.OrgMember)
		is.Equal(len(f.stored(t, inv2.ID).SealedToken), 0) // nothing sealed without a key
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv2.ID)
		wantErr(t, err, invite.ErrNoKey)

		// Once accepted, there is nothing to copy.
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		wantErr(t, err, invite.ErrAlreadyUsed)
		is.Equal(len(f.stored(t, inv.ID).SealedToken), 0) // the sealed token is dropped once answered
	})

	t.Run("TokensAreStoredOnlyAsDigests", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.True(strings.HasPrefix(tok, invite.PrefixInvitation))
		is.Equal(len(tok), invite.TokenLen)
		stored := f.stored(t, inv.ID)
		digest := sha256.Sum256([]byte(tok))
		is.Equal(stored.TokenHash, digest[:])
		is.True(!strings.Contains(fmt.Sprintf("%+v", stored), tok[5:])) // no field holds the token
		is.True(!strings.Contains(stored.ID.String(), tok[5:13]))       // the ID is not the secret
	})

	t.Run("GuestsAreDecidedByTheCoworkerDomains", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}}))
		w := f.workspace(t, "W")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "ann@acme.test, eve@eng.acme.test, bob@partner.test", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
		is.NoErr(err)
		is.Equal(res.Addresses[0].Invitation.Kind, membership.KindCoworker)
		is.Equal(res.Addresses[1].Invitation.Kind, membership.KindCoworker) // subdomains are the company's
		is.Equal(res.Addresses[2].Invitation.Kind, membership.KindGuest)
		is.Equal(res.Addresses[2].Invitation.Role, roles.OrgGuest)
		m, err := f.iv.Accept(f.ctx, res.Addresses[2].Token, verified("bob", "bob@partner.test"))
		is.NoErr(err)
		is.Equal(m.Kind, membership.KindGuest)
		is.Equal(m.Role, roles.OrgGuest)
		is.True(f.can(t, "bob", w.ID, roles.PermView)) // what was shared
		is.True(!f.canOrg(t, "bob", roles.PermViewMembers))

		denied := newInviteFixture(t, newStore, ivSettings(membership.Settings{Domains: []string{"acme.test"}, GuestPolicy: membership.GuestsDenied}))
		before := denied.ivSnap(t)
		_, err = denied.iv.Invite(denied.ctx, denied.owner, denied.org.ID, invite.Request{Emails: "ann@acme.test, bob@partner.test"})
		wantErr(t, err, invite.ErrGuestsNotAllowed)
		denied.ivUnchanged(t, before) // all or nothing
	})

	t.Run("OwnersAndAdminsInvitedGetEveryWorkspace", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{RequireWorkspace: true}))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgAdmin)
		_, err := f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		w := f.workspace(t, "Later")
		is.True(f.can(t, "ann", w.ID, roles.PermManagePeople))
	})

	t.Run("WorkspacesDeletedSinceTheInvitationAreLeftOut", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		w1, w2 := f.workspace(t, "W1"), f.workspace(t, "W2")
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember, ws{w1.ID, roles.WorkspaceViewer}, ws{w2.ID, roles.WorkspaceViewer})
		is.NoErr(f.svc.DeleteWorkspace(f.ctx, f.owner, f.org.ID, w2.ID))
		p, err := f.iv.Preview(f.ctx, tok)
		is.NoErr(err)
		is.Equal(len(p.Workspaces), 1)
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.Equal(f.access(t, "ann"), map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceViewer})
	})

	t.Run("AuditAndEventsCarryNoSecret", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st := newStore(t)
		f := newInviteFixture(t, newStore, ivOn(st), ivOpts(func(o *invite.Options) { o.Key = testKey }),
			func(c *ivConfig) { c.fixture = append(c.fixture, withRecorder()) })
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.InvitationURL(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		_, err = f.iv.Accept(f.ctx, tok2, verified("mallory", "mallory@example.com")) // refused, audited
		wantErr(t, err, invite.ErrEmailMismatch)
		_, err = f.iv.Accept(f.ctx, tok2, verified("ann", "ann@example.com"))
		is.NoErr(err)
		l, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, ltok, verified("bob", "bob@example.com"))
		is.NoErr(err)
		is.NoErr(f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, l.ID))
		stored := f.stored(t, inv.ID)
		secrets := []string{tok[5:25], tok2[5:25], ltok[5:25], fmt.Sprintf("%x", stored.TokenHash)}
		var texts []string
		for _, e := range f.audit(t) {
			texts = append(texts, fmt.Sprintf("%+v", e))
		}
		is.True(eventually(func() bool { return len(f.disp.delivered(f.org.ID, invite.EventLinkRevoked)) == 1 }))
		for _, e := range f.disp.delivered(f.org.ID, "") {
			texts = append(texts, fmt.Sprintf("%+v", e))
		}
		is.True(len(texts) > 10)
		for _, text := range texts {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Fatalf("secret %q found in %s", s, text)
				}
			}
		}
	})
}
