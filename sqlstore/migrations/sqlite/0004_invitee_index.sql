-- A user's pending invitations across organizations: by canonical email,
-- then ID (invite.Store.PendingInvitationsByEmail).

CREATE INDEX roster_invitations_invitee ON roster_invitations (email_key, status, id);
