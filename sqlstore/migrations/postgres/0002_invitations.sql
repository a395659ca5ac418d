-- Invitations, shareable invite links and the sends that invite limits
-- count. Token hashes are unique; an organization has at most one pending
-- invitation per canonical email (a partial unique index, which CockroachDB
-- and YugabyteDB support too).

CREATE TABLE roster_invitations (
    id           UUID NOT NULL PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    email_key    TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    workspaces   TEXT NOT NULL,
    extra_grants BIGINT NOT NULL,
    invited_by   TEXT NOT NULL,
    status       TEXT NOT NULL,
    token_hash   BYTEA,
    sealed_token BYTEA,
    key_id       TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    sent_at      TEXT NOT NULL,
    sends        INTEGER NOT NULL,
    accepted_by  TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE UNIQUE INDEX roster_invitations_token ON roster_invitations (token_hash);

CREATE UNIQUE INDEX roster_invitations_pending ON roster_invitations (org_id, email_key) WHERE status = 'pending';

CREATE INDEX roster_invitations_org ON roster_invitations (org_id, id);

CREATE INDEX roster_invitations_email ON roster_invitations (org_id, email_key);

CREATE TABLE roster_invite_links (
    id              UUID NOT NULL PRIMARY KEY,
    org_id          UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    workspaces      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    token_hash      BYTEA,
    sealed_token    BYTEA,
    key_id          TEXT NOT NULL,
    max_uses        INTEGER NOT NULL,
    uses            INTEGER NOT NULL,
    expires_at      TEXT NOT NULL,
    allowed_domains TEXT NOT NULL,
    revoked         BOOLEAN NOT NULL,
    revoked_at      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE UNIQUE INDEX roster_invite_links_token ON roster_invite_links (token_hash);

CREATE INDEX roster_invite_links_org ON roster_invite_links (org_id, id);

CREATE TABLE roster_invite_sends (
    id         UUID NOT NULL PRIMARY KEY,
    org_id     UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    invited_by TEXT NOT NULL,
    send_count INTEGER NOT NULL,
    sent_at    TEXT NOT NULL
);

CREATE INDEX roster_invite_sends_org ON roster_invite_sends (org_id, sent_at);
