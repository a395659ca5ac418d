-- API keys: each acts as one member of one organization. Only the SHA-256
-- digest of a key is kept, unique; scope_perms (0: none narrowed) and
-- scope_workspace (the nil UUID: every workspace) narrow what it may do.

CREATE TABLE IF NOT EXISTS roster_api_keys (
    id              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id         VARCHAR(255) NOT NULL,
    name            VARCHAR(500) NOT NULL,
    scope_perms     BIGINT NOT NULL,
    scope_workspace CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_hash      VARBINARY(64) NOT NULL,
    created_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    expires_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    last_used_at    CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    revoked         BOOLEAN NOT NULL,
    revoked_at      CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY roster_api_keys_token (token_hash),
    KEY roster_api_keys_org (org_id, id),
    KEY roster_api_keys_member (org_id, user_id),
    CONSTRAINT roster_api_keys_org_fk FOREIGN KEY (org_id) REFERENCES roster_organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
