-- Foundation: accounts, credentials with wrapped keys, kind keys, journal entries.
-- Only ids, user ids, kinds and timestamps are plain; everything a person
-- wrote lives in the encrypted `payload`.
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    scope TEXT NOT NULL,
    lookup BYTEA UNIQUE,
    salt BYTEA,
    wrapped BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at BIGINT
);
CREATE INDEX credentials_by_user ON credentials (user_id, kind);

CREATE TABLE kind_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    wrapped BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX kind_keys_by_user ON kind_keys (user_id);

CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_id TEXT NOT NULL REFERENCES kind_keys(id),
    occurred_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    payload BYTEA NOT NULL
);
CREATE INDEX entries_by_user_time ON entries (user_id, occurred_at DESC, id DESC);
