package invite

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Mailer sends invitation emails; the host implements it over its mail
// service. Send is called after the invitation committed, at least once per
// email: Mail.ID is the same on every attempt, so the host can drop
// duplicates. An error makes the email be retried later, with backoff.
//
// Every field of Mail is plain text. Names and the organization's name are
// typed by users: never put them in a mail header (Subject, From, To
// display names) without the mail library's encoding, and escape them in
// HTML. Templates.Render (DefaultTemplates, or the host's own) does the
// escaping and makes the subject and bodies; package invite/smtpmail is a
// ready Mailer over SMTP.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// MailerFunc adapts a function to Mailer.
type MailerFunc func(ctx context.Context, m Mail) error

// Send calls f.
func (f MailerFunc) Send(ctx context.Context, m Mail) error { return f(ctx, m) }

// Mail is one invitation email.
type Mail struct {
	// ID identifies this email across delivery attempts.
	ID uuid.UUID
	// InvitationID is the invitation the email is for.
	InvitationID uuid.UUID
	// To is the address as typed; ToASCII is the same with an ASCII (IDNA)
	// domain. ToName is the display name typed with it, if any.
	To      string
	ToASCII string
	ToName  string
	// OrgID and OrgName say who invites.
	OrgID   uuid.UUID
	OrgName string
	// InviterName and InviterEmail describe the inviter, as the
	// organization knows them (either may be empty).
	InviterName  string
	InviterEmail string
	// Role is the organization role offered; Workspaces the workspaces and
	// their roles, by name.
	Role       roles.Role
	Workspaces []MailWorkspace
	// URL is the accept URL, built from Options.BaseURL; Token is the
	// secret it carries, for hosts that build their own URL. Both are
	// secrets: never log them.
	URL       string
	Token     string
	ExpiresAt time.Time
	// Resent is true for a resend or a refresh of an earlier invitation.
	Resent bool
}

// MailWorkspace is one workspace offered in an invitation email.
type MailWorkspace struct {
	Name string
	Role roles.Role
}
