package invite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// TopicInvitation is the outbox topic of invitation emails, on
// membership.ChannelMail.
const TopicInvitation = "invitation"

// mailPayload is what the outbox keeps of an invitation email. It holds no
// usable token: with a key the token is unsealed from the invitation at
// delivery; without one, Sealed is the token sealed with the Service's
// in-memory mail key, and an email that key cannot open gets a fresh
// token (see reissue). Token is read only from emails queued by earlier
// versions, which kept the token itself.
type mailPayload struct {
	Invitation uuid.UUID `json:"invitation"`
	Hash       []byte    `json:"hash"`
	Sealed     []byte    `json:"sealed,omitempty"`
	Token      string    `json:"token,omitempty"`
	Resent     bool      `json:"resent,omitempty"`
}

// mailKeyID names the in-memory key of queued emails.
const mailKeyID = "outbox"

// queueMail writes the email of inv, carrying tok, to the outbox in o's
// transaction. Without a Mailer nothing is queued.
func (s *Service) queueMail(ctx context.Context, o *membership.Op, inv Invitation, tok string, resent bool) error {
	if s.opts.Mailer == nil {
		return nil
	}
	p := mailPayload{Invitation: inv.ID, Hash: inv.TokenHash, Resent: resent}
	if len(inv.SealedToken) == 0 {
		sealed, _, err := s.mailKeys.seal(s.opts.Rand, KindInvitation, inv.ID, tok)
		if err != nil {
			return err
		}
		p.Sealed = sealed
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return o.Enqueue(ctx, membership.Message{Channel: membership.ChannelMail, Topic: TopicInvitation, Payload: b})
}

// DeliverMail sends the queued invitation emails through the Mailer and
// returns how many were sent. A failed email is retried by a later call
// with backoff. An email whose invitation has since been accepted,
// revoked, re-sent with a new token or has expired is dropped unsent.
// Without a Mailer it does nothing.
//
// Unless Options.DeferDelivery is set, the Service calls it after each
// change that queued mail; a host that defers runs it from a worker.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	if s.opts.Mailer == nil {
		return 0, nil
	}
	sent, reissued := 0, 0
	relay := func(ctx context.Context, msg membership.Message) error {
		ok, err := s.sendMail(ctx, msg, &reissued)
		if ok {
			sent++
		}
		return err
	}
	_, err := s.m.Relay(ctx, membership.ChannelMail, relay)
	if err == nil && reissued > 0 {
		// The emails of reissued tokens were queued anew: send them now.
		_, err = s.m.Relay(ctx, membership.ChannelMail, relay)
	}
	return sent, err
}

// Run delivers the outbox in the background until ctx ends, then returns
// nil: invitation emails through the Mailer and host events to the
// membership Service's Dispatcher, with retries, backoff and dead letters
// as membership.Service.Run describes (which it runs, with mail added).
// Set Options.DeferDelivery (and membership.Options.DeferDelivery) so that
// requests leave delivery to it; several workers, in several processes,
// may run at once. Without a Mailer, Run delivers events only.
func (s *Service) Run(ctx context.Context) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if s.opts.Mailer == nil {
		return s.m.Run(ctx)
	}
	return s.m.Run(ctx, membership.Channel{Name: membership.ChannelMail, Deliver: func(ctx context.Context, msg membership.Message) error {
		reissued := 0
		if _, err := s.sendMail(ctx, msg, &reissued); err != nil {
			return err
		}
		if reissued > 0 {
			s.m.Wake() // the email of a reissued token was queued anew
		}
		return nil
	}})
}

// sendMail sends the email of one outbox message, if it is still to be
// sent (see mail), and reports whether it sent one.
func (s *Service) sendMail(ctx context.Context, msg membership.Message, reissued *int) (bool, error) {
	m, ok, err := s.mail(ctx, msg, reissued)
	if err != nil || !ok {
		return false, err
	}
	if err := s.opts.Mailer.Send(ctx, m); err != nil {
		return false, fmt.Errorf("mailer: %w", err)
	}
	return true, nil
}

// mail builds the email of an outbox message; ok is false when it is no
// longer to be sent (the message is then dropped), or when its token could
// not be recovered and a fresh one was queued in a new message (counted in
// reissued).
func (s *Service) mail(ctx context.Context, msg membership.Message, reissued *int) (Mail, bool, error) {
	if msg.Topic != TopicInvitation {
		s.log.WarnContext(ctx, "roster: dropping mail of unknown topic", "topic", msg.Topic, "message", msg.ID)
		return Mail{}, false, nil
	}
	var p mailPayload
	if err := json.Unmarshal(msg.Payload, &p); err != nil {
		s.log.WarnContext(ctx, "roster: dropping undecodable mail", "message", msg.ID)
		return Mail{}, false, nil
	}
	inv, err := s.st.Invitation(ctx, msg.OrgID, p.Invitation)
	if errors.Is(err, ErrNotFound) {
		return Mail{}, false, nil
	}
	if err != nil {
		return Mail{}, false, err
	}
	if inv.StatusAt(s.now()) != StatusPending || !sameDigest(inv.TokenHash, p.Hash) {
		return Mail{}, false, nil // answered, revoked, expired or superseded
	}
	tok := p.Token
	if tok == "" && len(p.Sealed) > 0 {
		tok, _ = s.mailKeys.open(KindInvitation, inv.ID, mailKeyID, p.Sealed)
	}
	if tok == "" && len(inv.SealedToken) > 0 {
		tok, _ = s.keys.open(KindInvitation, inv.ID, inv.KeyID, inv.SealedToken)
	}
	if tok == "" {
		// Sealed by another process, or with a key no longer configured.
		if err := s.reissue(ctx, inv, p); err != nil {
			return Mail{}, false, err
		}
		*reissued++
		return Mail{}, false, nil
	}
	if t, err := ParseToken(tok); err != nil || !t.Matches(inv.TokenHash) {
		s.log.WarnContext(ctx, "roster: dropping invitation mail with a token that does not match", "invitation", inv.ID)
		return Mail{}, false, nil
	}
	org, err := s.ms.Organization(ctx, inv.OrgID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Mail{}, false, nil
		}
		return Mail{}, false, err
	}
	m := Mail{ID: msg.ID, InvitationID: inv.ID, To: inv.Email, ToName: inv.Name, OrgID: org.ID, OrgName: org.Name,
		Role: inv.Role, URL: s.url(tok), Token: tok, ExpiresAt: inv.ExpiresAt, Resent: p.Resent}
	if a, err := ParseEmail(inv.Email); err == nil {
		m.ToASCII = a.ASCII
	} else {
		m.ToASCII = inv.Email
	}
	if by, err := s.ms.Member(ctx, inv.OrgID, inv.InvitedBy); err == nil {
		m.InviterName, m.InviterEmail = by.Name, by.Email
	}
	ws, err := s.workspaceNames(ctx, inv.OrgID, inv.Workspaces)
	if err != nil {
		return Mail{}, false, err
	}
	for _, w := range ws {
		m.Workspaces = append(m.Workspaces, MailWorkspace{Name: w.Name, Role: w.Role})
	}
	return m, true, nil
}

func sameDigest(a, b []byte) bool {
	var t Token
	if len(b) != len(t.Hash) {
		return false
	}
	copy(t.Hash[:], b)
	return t.Matches(a)
}

// reissue gives the invitation of an email whose token cannot be recovered
// a fresh token, in a transaction of its own, and queues its email anew;
// the expiry stays. It does nothing when the invitation has since left
// pending or changed its token (the email is then moot). It runs within a
// delivery, which sends the new email itself: its commit sends no mail
// (see inDelivery).
func (s *Service) reissue(ctx context.Context, inv Invitation, p mailPayload) error {
	ctx = context.WithValue(ctx, inDelivery{}, true)
	err := s.x.Mutate(ctx, inv.InvitedBy, inv.OrgID, EventInvitationReissued, func(ctx context.Context, o *membership.Op) error {
		o.Target(inv.EmailKey)
		cur, err := s.st.Invitation(ctx, o.Org.ID, inv.ID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.StatusAt(o.Now) != StatusPending || !sameDigest(cur.TokenHash, p.Hash) {
			return nil
		}
		exp := cur.ExpiresAt
		tok, err := s.issue(o, &cur)
		if err != nil {
			return err
		}
		cur.ExpiresAt = exp
		if err := s.st.UpdateInvitation(ctx, cur); err != nil {
			return err
		}
		if err := o.RecordAs(ctx, "", invitationRecord(EventInvitationReissued, cur, nil)); err != nil {
			return err
		}
		return s.queueMail(ctx, o, cur, tok, p.Resent)
	})
	if errors.Is(err, ErrNotFound) {
		return nil // the organization is gone, and its invitations with it
	}
	return err
}
