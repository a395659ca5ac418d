// Package smtpmail sends invitation emails over SMTP, for hosts without a
// mail provider's API: its Mailer implements invite.Mailer.
//
//	mailer, err := smtpmail.New(smtpmail.Options{
//		Addr:     "smtp.example.com:587",
//		From:     "Acme <no-reply@acme.com>",
//		Username: "no-reply@acme.com",
//		Password: os.Getenv("SMTP_PASSWORD"),
//	})
//	if err != nil {
//		return err
//	}
//	iv, err := invite.New(m, invite.Options{Mailer: mailer, BaseURL: "https://app.example.com/invite/"})
//
// # What is sent
//
// Each email is rendered with invite.DefaultTemplates, or with
// Options.Render, and sent as a multipart/alternative message: a
// plain-text part and an HTML part, both UTF-8 and quoted-printable.
// Headers are 7-bit: the subject and display names go out as RFC 2047
// encoded-words when they are not plain ASCII, control characters in them
// become spaces, so that no name typed by a user can add a header, and
// long lines are folded. The Message-ID is made of invite.Mail.ID, the
// same on every attempt of one email, so that mail systems can drop a
// duplicate of an email sent at least once. The message is marked
// "Auto-Submitted: auto-generated".
//
// # Translations
//
// Options.Render picks the templates of each email: the host keeps its
// translations as invite.Templates and chooses by what it knows of the
// recipient or the organization.
//
//	fr, err := invite.DefaultTemplates().Funcs(frFuncs).ParseFS(files, "mail/fr/*")
//	...
//	Render: func(ctx context.Context, m invite.Mail) (invite.Email, error) {
//		if lang(ctx, m.OrgID) == "fr" {
//			return fr.Render(m)
//		}
//		return invite.DefaultTemplates().Render(m)
//	},
//
// # Connection
//
// Each Send dials the server, upgrades with STARTTLS (the default; a
// server that does not offer it gets nothing and Send returns
// ErrNoStartTLS) or speaks TLS from the start (ImplicitTLS, port 465),
// authenticates with AUTH PLAIN or LOGIN when a Username is set, sends one
// message and quits. Plain text is allowed only to a loopback server
// (Security: Plaintext), such as a local relay. Send ends when its context
// does, and after Options.Timeout at most.
//
// An error from Send makes the invite Service keep the email in its outbox
// and retry it later. Errors name the step that failed (dial, STARTTLS,
// AUTH, RCPT TO…) and the server's reply; none carries a password, a
// token or an accept URL.
package smtpmail
