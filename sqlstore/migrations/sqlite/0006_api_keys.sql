-- API keys: each acts as one member of one organization. Only the SHA-256
-- digest of a key is kept, unique; scope_perms (0: none narrowed) and
-- scope_workspace (the nil UUID: every workspace) narrow what it may do.

CREATE TABLE roster_api_keys (
    id              TEXT NOT NULL PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES roster_organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    scope_perms     INTEGER NOT NULL,
    scope_workspace TEXT NOT NULL,
    token_hash      BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    last_used_at    TEXT NOT NULL,
    revoked         INTEGER NOT NULL,
    revoked_at      TEXT NOT NULL
);

CREATE UNIQUE INDEX roster_api_keys_token ON roster_api_keys (token_hash);

CREATE INDEX roster_api_keys_org ON roster_api_keys (org_id, id);

CREATE INDEX roster_api_keys_member ON roster_api_keys (org_id, user_id);
