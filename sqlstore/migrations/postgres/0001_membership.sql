-- Organizations, workspaces, members, workspace access, audit events and
-- the outbox. Timestamps are fixed-width UTC RFC 3339 text with nanoseconds
-- (cast with ::timestamptz to read them as dates), which every collation
-- orders in time order. Only what CockroachDB and YugabyteDB also accept:
-- no column collations (CockroachDB has no "C" columns), no sequences.

CREATE TABLE roster_organizations (
    id         UUID NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    settings   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX roster_organizations_slug ON roster_organizations (slug);

CREATE TABLE roster_workspaces (
    id         UUID NOT NULL PRIMARY KEY,
    org_id     UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE UNIQUE INDEX roster_workspaces_org ON roster_workspaces (org_id, id);

CREATE UNIQUE INDEX roster_workspaces_name ON roster_workspaces (org_id, name);

CREATE TABLE roster_members (
    org_id       UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    email        TEXT NOT NULL,
    email_key    TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    extra_grants BIGINT NOT NULL,
    licensed     BOOLEAN NOT NULL,
    sso          BOOLEAN NOT NULL,
    deactivated  BOOLEAN NOT NULL,
    invited_by   TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE INDEX roster_members_user ON roster_members (user_id, org_id);

CREATE TABLE roster_workspace_access (
    org_id       UUID NOT NULL,
    workspace_id UUID NOT NULL,
    user_id      TEXT NOT NULL,
    role         TEXT NOT NULL,
    granted_by   TEXT NOT NULL,
    granted_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (org_id, workspace_id) REFERENCES roster_workspaces (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES roster_members (org_id, user_id) ON DELETE CASCADE
);

CREATE INDEX roster_workspace_access_member ON roster_workspace_access (org_id, user_id, workspace_id);

CREATE TABLE roster_audit_events (
    id          UUID NOT NULL PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    before_data TEXT NOT NULL,
    after_data  TEXT NOT NULL,
    denied      BOOLEAN NOT NULL,
    reason      TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);

CREATE INDEX roster_audit_events_org ON roster_audit_events (org_id, id);

CREATE TABLE roster_outbox (
    id           UUID NOT NULL PRIMARY KEY,
    org_id       UUID NOT NULL,
    channel      TEXT NOT NULL,
    topic        TEXT NOT NULL,
    payload      BYTEA,
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    next_attempt TEXT NOT NULL,
    last_error   TEXT NOT NULL
);

CREATE INDEX roster_outbox_due ON roster_outbox (channel, next_attempt);
