package storagetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
)

// testInvitationDelivery checks that invitation emails go through the
// outbox: sent after commit, once per invitation and token, never for a
// rolled-back or superseded one, and retried when the Mailer fails. Its
// subtests share the store's outbox, so they run one at a time.
func testInvitationDelivery(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("EachInvitationIsMailedAfterCommit", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		w := f.workspace(t, "Marketing")
		res, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{
			Emails: "Ann <ann@example.com>; bob@bücher.example", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // delivery is deferred here
		n, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.True(n >= 2)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 2)
		slices.SortFunc(mails, func(a, b invite.Mail) int { return strings.Compare(a.To, b.To) })
		ann, bob := mails[0], mails[1]
		is.Equal(ann.To, "ann@example.com")
		is.Equal(ann.ToName, "Ann")
		is.Equal(bob.To, "bob@bücher.example")
		is.Equal(bob.ToASCII, "bob@xn--bcher-kva.example")
		is.True(ann.ID != bob.ID)
		for i, m := range []invite.Mail{ann, bob} {
			r := res.Addresses[i]
			is.Equal(m.InvitationID, r.Invitation.ID)
			is.Equal(m.OrgName, f.org.Name)
			is.Equal(m.InviterName, "The Owner")
			is.Equal(m.Role, roles.OrgMember)
			is.Equal(m.Workspaces, []invite.MailWorkspace{{Name: "Marketing", Role: roles.WorkspaceViewer}})
			is.Equal(m.URL, "https://app.example.com/invite/"+r.Token)
			is.Equal(m.Token, r.Token)
			is.True(m.ExpiresAt.Equal(r.Invitation.ExpiresAt))
			is.True(!m.Resent)
		}
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 2) // sent once
		// The mailed URL accepts.
		_, err = f.iv.Accept(f.ctx, strings.TrimPrefix(ann.URL, "https://app.example.com/invite/"), verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("WithoutDeferringMailIsSentBeforeInviteReturns", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.DeferDelivery = false }))
		f.inviteOne(t, "ann@example.com", roles.OrgMember)
		is.Equal(len(f.mail.sent(f.org.ID)), 1)
	})

	t.Run("AnInvitationInTheCallersTransactionIsMailedOnlyAfterItCommits", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.DeferDelivery = false }))
		err := f.st.Transact(f.ctx, func(ctx context.Context) error {
			if _, err := f.iv.Invite(ctx, f.owner, f.org.ID, invite.Request{Emails: "ann@example.com"}); err != nil {
				return err
			}
			if n := len(f.mail.sent(f.org.ID)); n != 0 {
				return fmt.Errorf("%d mails sent before commit", n)
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		is.Equal(len(f.invitations(t)), 0) // rolled back with the caller's transaction
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // and its email with it
		err = f.st.Transact(f.ctx, func(ctx context.Context) error {
			_, err := f.iv.Invite(ctx, f.owner, f.org.ID, invite.Request{Emails: "bob@example.com"})
			if n := len(f.mail.sent(f.org.ID)); err == nil && n != 0 {
				return fmt.Errorf("%d mails sent before commit", n)
			}
			return err
		})
		is.NoErr(err)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].To, "bob@example.com")
	})

	t.Run("ARefusedInvitationSendsNothing", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivSettings(membership.Settings{Seats: 2}))
		_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, b@example.com"})
		wantErr(t, err, invite.ErrSeatLimit)
		_, err = f.iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "a@example.com, bad@"})
		wantErr(t, err, invite.ErrInvalidEmail)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0)
	})

	t.Run("AFailedMailIsRetriedLater", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.mail.setFail(true)
		_, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0)
		f.mail.setFail(false)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // not before its backoff
		f.clk.Advance(time.Minute + time.Second)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 1)
	})

	t.Run("OnlyTheLatestTokenOfAnInvitationIsMailed", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer())
		inv, _ := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, tok2, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID)
		is.NoErr(err)
		revoked, _ := f.inviteOne(t, "bob@example.com", roles.OrgMember)
		is.NoErr(f.iv.Revoke(f.ctx, f.owner, f.org.ID, revoked.ID))
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1) // the superseded and the revoked ones are dropped
		is.Equal(mails[0].Token, tok2)
		is.True(mails[0].Resent)
	})

	t.Run("WithoutAKeyAnUndeliveredMailHoldsNoUsableToken", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer()) // no Key
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		f.mail.setFail(true)
		_, err := f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // the mail server is down: the mail waits
		f.clk.Advance(2 * time.Second)          // past its backoff
		msgs, err := f.st.Claim(f.ctx, membership.ChannelMail, f.clk.Now(), time.Minute, 500)
		is.NoErr(err)
		found := false
		for _, m := range msgs {
			if m.OrgID != f.org.ID {
				continue
			}
			found = true
			p := string(m.Payload)
			is.True(!strings.Contains(p, tok[5:])) // not the token
			is.True(!strings.Contains(p, base64.StdEncoding.EncodeToString([]byte(tok))[8:40]))
			var fields map[string]any
			is.NoErr(json.Unmarshal(m.Payload, &fields))
			for _, v := range fields {
				if str, ok := v.(string); ok {
					_, err := invite.ParseToken(str)
					is.True(err != nil) // nor any token at all
				}
			}
		}
		is.True(found)
		// Another process (a restart, a worker) delivers it: the mail is not
		// lost, and the token it carries accepts.
		f.clk.Advance(time.Minute + time.Second) // past the claim's lease
		other := &mailbox{}
		iv2 := newInvite(t, f.svc, invite.Options{Mailer: other, DeferDelivery: true,
			BaseURL: "https://app.example.com/invite/"})
		_, err = iv2.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := other.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].InvitationID, inv.ID)
		is.True(mails[0].Token != "")
		is.True(slices.Contains(f.actions(t), invite.EventInvitationReissued)) // audited
		is.True(f.stored(t, inv.ID).ExpiresAt.Equal(inv.ExpiresAt))            // the expiry is kept
		f.mail.setFail(false)
		f.clk.Advance(time.Hour)
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.mail.sent(f.org.ID)), 0) // sent once
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken) // the token replaced at delivery
		_, err = f.iv.Accept(f.ctx, mails[0].Token, verified("ann", "ann@example.com"))
		is.NoErr(err)
	})

	t.Run("WithAKeyTheOutboxHoldsNoToken", func(t *testing.T) {
		is := is.New(t)
		f := newInviteFixture(t, newStore, withMailer(), ivOpts(func(o *invite.Options) { o.Key = testKey }))
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		msgs, err := f.st.Claim(f.ctx, membership.ChannelMail, f.clk.Now(), time.Minute, 500)
		is.NoErr(err)
		found := false
		for _, m := range msgs {
			if m.OrgID == f.org.ID {
				found = true
				is.True(!strings.Contains(string(m.Payload), tok[5:])) // sealed in the invitation, not in the outbox
			}
		}
		is.True(found)
		f.clk.Advance(time.Minute + time.Second) // past the claim's lease
		_, err = f.iv.DeliverMail(f.ctx)
		is.NoErr(err)
		mails := f.mail.sent(f.org.ID)
		is.Equal(len(mails), 1)
		is.Equal(mails[0].Token, tok)
	})
}
