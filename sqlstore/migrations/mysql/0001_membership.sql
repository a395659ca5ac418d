-- Organizations, workspaces, members, workspace access, audit events and
-- the outbox, for MySQL 8 and MariaDB 10.6+. Every text column compares by
-- bytes (utf8mb4_bin, ascii_bin for IDs and timestamps): "Ann" and "ann",
-- "i" and "í" are different IDs, emails and names, as in the library.
-- MySQL commits each DDL statement on its own, so every statement is
-- written to be safe to run again after a failure part-way.

CREATE TABLE IF NOT EXISTS roster_organizations (
    id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name       VARCHAR(500) NOT NULL,
    slug       VARCHAR(255) NOT NULL,
    settings   TEXT NOT NULL,
    created_at CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_at CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY roster_organizations_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_workspaces (
    id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name       VARCHAR(500) NOT NULL,
    created_at CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY roster_workspaces_org (org_id, id),
    UNIQUE KEY roster_workspaces_name (org_id, name),
    CONSTRAINT roster_workspaces_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_members (
    org_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id      VARCHAR(255) NOT NULL,
    email        VARCHAR(320) NOT NULL,
    email_key    VARCHAR(320) NOT NULL,
    name         VARCHAR(500) NOT NULL,
    name_key     VARCHAR(500) NOT NULL,
    role         VARCHAR(64) NOT NULL,
    kind         VARCHAR(32) NOT NULL,
    extra_grants BIGINT NOT NULL,
    licensed     BOOLEAN NOT NULL,
    sso          BOOLEAN NOT NULL,
    deactivated  BOOLEAN NOT NULL,
    invited_by   VARCHAR(255) NOT NULL,
    joined_at    CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_at   CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (org_id, user_id),
    KEY roster_members_user (user_id, org_id),
    CONSTRAINT roster_members_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_workspace_access (
    org_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    workspace_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id      VARCHAR(255) NOT NULL,
    role         VARCHAR(64) NOT NULL,
    granted_by   VARCHAR(255) NOT NULL,
    granted_at   CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    KEY roster_workspace_access_member (org_id, user_id, workspace_id),
    CONSTRAINT roster_workspace_access_ws_fk FOREIGN KEY (org_id, workspace_id) REFERENCES roster_workspaces (org_id, id) ON DELETE CASCADE,
    CONSTRAINT roster_workspace_access_member_fk FOREIGN KEY (org_id, user_id) REFERENCES roster_members (org_id, user_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_audit_events (
    id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    action      VARCHAR(128) NOT NULL,
    target      VARCHAR(500) NOT NULL,
    before_data TEXT NOT NULL,
    after_data  TEXT NOT NULL,
    denied      BOOLEAN NOT NULL,
    reason      TEXT NOT NULL,
    occurred_at CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    KEY roster_audit_events_org (org_id, id),
    CONSTRAINT roster_audit_events_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_outbox (
    id           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    channel      VARCHAR(64) NOT NULL,
    topic        VARCHAR(128) NOT NULL,
    payload      LONGBLOB,
    created_at   CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    attempts     INT NOT NULL,
    next_attempt CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    last_error   TEXT NOT NULL,
    PRIMARY KEY (id),
    KEY roster_outbox_due (channel, next_attempt)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
