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

// mailPayload is what the outbox keeps of an invitation email. With a key
// it holds no secret: the token is unsealed from the invitation at
// delivery. Without one, the token itself waits in the outbox until sent.
type mailPayload struct {
	Invitation uuid.UUID `json:"invitation"`
	Hash       []byte    `json:"hash"`
	Token      string    `json:"token,omitempty"`
	Resent     bool      `json:"resent,omitempty"`
}

// queueMail writes the email of inv, carrying tok, to the outbox in o's
// transaction. Without a Mailer nothing is queued.
func (s *Service) queueMail(ctx context.Context, o *op, inv Invitation, tok string, resent bool) error {
	if s.opts.Mailer == nil {
		return nil
	}
	p := mailPayload{Invitation: inv.ID, Hash: inv.TokenHash, Resent: resent}
	if len(inv.SealedToken) == 0 {
		p.Token = tok
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
	if err := s.ready(); err != nil {
		return 0, err
	}
	if s.opts.Mailer == nil {
		return 0, nil
	}
	sent := 0
	_, err := s.m.Relay(ctx, membership.ChannelMail, func(ctx context.Context, msg membership.Message) error {
		m, ok, err := s.mail(ctx, msg)
		if err != nil || !ok {
			return err
		}
		if err := s.opts.Mailer.Send(ctx, m); err != nil {
			return fmt.Errorf("mailer: %w", err)
		}
		sent++
		return nil
	})
	return sent, err
}

// mail builds the email of an outbox message; ok is false when it is no
// longer to be sent (the message is then dropped).
func (s *Service) mail(ctx context.Context, msg membership.Message) (Mail, bool, error) {
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
	if tok == "" {
		if tok, err = s.keys.open(KindInvitation, inv.ID, inv.KeyID, inv.SealedToken); err != nil {
			s.log.WarnContext(ctx, "roster: dropping invitation mail whose token cannot be unsealed", "invitation", inv.ID, "err", err)
			return Mail{}, false, nil
		}
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
