-- Sign-in hardening.
-- A password is checked by opening its wrapped root key (one key
-- derivation, one target for guessing), so the separate password hash goes.
ALTER TABLE users DROP COLUMN password_hash;
-- The argon2id parameters a password or recovery credential was made with
-- ("argon2id;m=65536;t=3;p=1"); NULL is the parameters of before this
-- migration. Raised parameters apply at the next sign-in.
ALTER TABLE credentials ADD COLUMN kdf TEXT;
-- Sign-in throttles, shared by every server instance on this store: a key
-- (a hash of what is limited: an address, a name, both, a known device)
-- counts attempts in a window that starts with the first one.
CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    count BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX throttle_by_window ON throttle (window_start);
-- Browsers that signed in to an account before, by a lookup hash of their
-- device cookie: guesses at the account from elsewhere do not lock them out.
CREATE TABLE known_devices (
    lookup BYTEA NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (lookup, user_id)
);
CREATE INDEX known_devices_by_user ON known_devices (user_id);
