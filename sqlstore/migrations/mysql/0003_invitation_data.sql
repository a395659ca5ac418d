-- Host data that invitations and links carry to whoever they admit: a
-- small JSON object of strings, NULL when there is none.

ALTER TABLE roster_invitations ADD COLUMN data TEXT;

ALTER TABLE roster_invite_links ADD COLUMN data TEXT;
