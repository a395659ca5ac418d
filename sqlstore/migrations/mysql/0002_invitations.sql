-- Invitations, shareable invite links and the sends that invite limits
-- count. Token hashes are unique VARBINARY; an organization has at most
-- one pending invitation per canonical email: pending_email_key is the
-- email key while the invitation is pending and NULL otherwise, and NULLs
-- never collide in the unique key on it (MySQL has no partial index).

CREATE TABLE IF NOT EXISTS roster_invitations (
    id                CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    email             VARCHAR(320) NOT NULL,
    email_key         VARCHAR(320) NOT NULL,
    name              VARCHAR(500) NOT NULL,
    role              VARCHAR(64) NOT NULL,
    kind              VARCHAR(32) NOT NULL,
    workspaces        TEXT NOT NULL,
    extra_grants      BIGINT NOT NULL,
    invited_by        VARCHAR(255) NOT NULL,
    status            VARCHAR(32) NOT NULL,
    token_hash        VARBINARY(64),
    sealed_token      VARBINARY(1024),
    key_id            VARCHAR(255) NOT NULL,
    expires_at        CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    sent_at           CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    sends             INT NOT NULL,
    accepted_by       VARCHAR(255) NOT NULL,
    decided_at        CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at        CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_at        CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pending_email_key VARCHAR(320) AS (CASE WHEN status = 'pending' THEN email_key END) STORED,
    PRIMARY KEY (id),
    UNIQUE KEY roster_invitations_token (token_hash),
    UNIQUE KEY roster_invitations_pending (org_id, pending_email_key),
    KEY roster_invitations_org (org_id, id),
    KEY roster_invitations_email (org_id, email_key),
    CONSTRAINT roster_invitations_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_invite_links (
    id              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    role            VARCHAR(64) NOT NULL,
    workspaces      TEXT NOT NULL,
    created_by      VARCHAR(255) NOT NULL,
    token_hash      VARBINARY(64),
    sealed_token    VARBINARY(1024),
    key_id          VARCHAR(255) NOT NULL,
    max_uses        INT NOT NULL,
    uses            INT NOT NULL,
    expires_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    allowed_domains TEXT NOT NULL,
    revoked         BOOLEAN NOT NULL,
    revoked_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY roster_invite_links_token (token_hash),
    KEY roster_invite_links_org (org_id, id),
    CONSTRAINT roster_invite_links_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roster_invite_sends (
    id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    invited_by VARCHAR(255) NOT NULL,
    send_count INT NOT NULL,
    sent_at    CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    KEY roster_invite_sends_org (org_id, sent_at),
    CONSTRAINT roster_invite_sends_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
