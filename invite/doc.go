// Package invite brings people into organizations: email invitations with
// secret tokens, batches typed into an "Invite" dialog, shareable invite
// links, and the delivery of invitation emails through a transactional
// outbox.
//
// # Inviting
//
// A Service sits beside a membership.Service over the same store:
//
//	iv, err := invite.New(m, invite.Options{Mailer: mailer, Key: key, BaseURL: "https://app.example.com/invite/"})
//	res, err := iv.Invite(ctx, "user-1", org.ID, invite.Request{
//		Emails: "ann@acme.com; Bob <bob@partner.io>",
//		Role:   roles.OrgMember,
//		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceContributor},
//	})
//
// A batch is all or nothing: one bad entry gives a *BatchError naming each
// bad entry, and nothing is saved or sent. Addresses are de-duplicated on a
// canonical key (ASCII letters of the local part lower-cased, the domain in
// lower-case IDNA form); an address with a pending invitation is invited
// again with a fresh token when the inviter may manage that invitation
// (sent it, or manages members with at least its rank) and is otherwise
// reported as AlreadyInvited and left alone; a member's address is
// skipped.
//
// Who may invite: members holding the invite permission, by role or grant,
// or every co-worker when the organization lets members invite; guests
// never. Nobody gives a role, workspace role or grant above their own, and
// the inviter's authority is checked again when the invitation is
// accepted.
//
// # Accepting
//
// The accept page calls Preview (it changes nothing), then Accept with the
// signed-in user. An invitation is accepted only by a user whose verified
// email has the invited address's canonical key; it is accepted at most
// once, never after expiry (7 days by default), revocation or rejection.
//
//	member, err := iv.Accept(ctx, token, invite.Invitee{UserID: "user-2", Email: "ann@acme.com", EmailVerified: true})
//
// Declining works the same way: Reject takes the signed-in user, whose
// verified email must be the invited one, so a forwarded link does not
// let a stranger decline.
//
// Pages should show on GET and accept on POST: mail scanners open links.
//
// # Host data
//
// An invitation (Request.Data) or a link (NewLink.Data) may carry a small,
// bounded map of host data: Redeem (Accept with more detail) returns it to
// the accept page, and the "invitation.accepted", "link.joined" and
// "member.added" events carry it as "data.<key>", so that a host can share
// a folder with the newcomer or redirect after accepting.
//
// # Links
//
// CreateLink makes a shareable link with a role, workspaces, a use cap,
// an expiry and allowed email domains; Join (or Accept) admits a verified
// user through it. Joins are counted exactly under concurrency;
// RegenerateLink and RevokeLink kill the old token.
//
// # Tokens
//
// A token is a prefix ("rsti_" for invitations, "rstl_" for links), 256
// random bits in base62 and a CRC32 checksum: a mistyped or truncated
// token fails in ParseToken without a store look-up, and leaked tokens are
// recognizable by secret scanners. Stores keep only its SHA-256 digest
// and, when the host configures a Key, the token sealed with
// XChaCha20-Poly1305 so that an admin can copy the URL again
// (InvitationURL, LinkURL). Tokens never appear in errors, logs, audit
// events or host events.
//
// No usable token is at rest, with or without a Key. An invitation email
// waits in the outbox without its token: with a Key, delivery unseals the
// token from the invitation; without one, the email holds the token sealed
// with a random key the Service makes at New and keeps in memory only, so
// a database backup opens nothing. When the email is delivered by a
// process that does not hold that key (another worker, or after a
// restart), delivery gives the invitation a fresh token in a short
// transaction (audited as "invitation.reissued", expiry unchanged) and
// mails that one: no email is lost, and the token Invite returned stops
// working. Hosts that hand out the returned token or URL themselves and
// deliver from another process should configure a Key.
//
// # The invitation email
//
// The host's Mailer receives each email as a Mail: the organization, the
// inviter, the role, the workspaces by name, the expiry and the accept
// URL. Templates.Render turns it into a subject, a plain-text body and an
// HTML body; DefaultTemplates are in English, and a host overrides any of
// them or translates them all (Templates.Parse, Templates.ParseFS,
// Templates.Funcs):
//
//	e, err := invite.DefaultTemplates().Render(m) // e.Subject, e.Text, e.HTML
//
// Names come from users: Render puts every name on one line, free of
// control characters, and the HTML body escapes them. Package
// invite/smtpmail is a ready Mailer that renders and sends over SMTP
// (STARTTLS, AUTH) for hosts without a mail provider's API.
//
// # Limits, audit and delivery
//
// Seats count members plus pending invitations, one way for every path
// (see membership.Settings.Seats); daily quotas count invitation emails
// per organization and per inviter. Invitations and links carry their
// sender's authority: a sender who is removed, leaves, is deactivated or
// loses the right to invite takes them along (revoked and audited in the
// same transaction, their seats freed). Every change and
// every refused attempt is audited in the same transaction. Emails are
// written to the outbox with the invitation and sent after commit through
// the host's Mailer (at least once, with an ID to drop duplicates); a
// rolled-back invitation sends nothing.
package invite
