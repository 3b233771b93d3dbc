-- Sharing with a therapist. Who is linked to whom, which scopes are on and
-- who read what are plain (the server authorises every request with them);
-- the keys a therapist holds are kind keys sealed to the therapist's X25519
-- public key, which only the therapist's own credentials open.
CREATE TABLE user_keypairs (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    public_key BYTEA NOT NULL,
    wrapped_secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE share_invites (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    therapist_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE UNIQUE INDEX shares_one_active ON shares (client_id, therapist_id) WHERE ended_at IS NULL;
CREATE INDEX shares_by_therapist ON shares (therapist_id);
CREATE TABLE share_scopes (
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (share_id, scope)
);
CREATE TABLE share_keys (
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    key_id TEXT NOT NULL REFERENCES kind_keys(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    PRIMARY KEY (share_id, key_id)
);
CREATE TABLE access_log (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reader_id TEXT,
    reader_name TEXT NOT NULL,
    what TEXT NOT NULL,
    item_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX access_log_by_client ON access_log (client_id, at);
