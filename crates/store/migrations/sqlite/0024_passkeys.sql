-- Passkeys (issue 19). A passkey whose authenticator offers the WebAuthn
-- PRF extension wraps the root key like any other credential: under
-- HKDF(its PRF output, a random salt kept beside it); the PRF output never
-- reaches the database, so a copied database opens nothing. Its public key
-- and counter (webauthn-rs's credential, as JSON) are not secret. Without
-- PRF a passkey is a second step only (no wrapped key).
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL UNIQUE,
    label TEXT NOT NULL,
    credential TEXT NOT NULL,
    prf_salt BLOB,
    wrapped BLOB,
    backup_eligible BIGINT NOT NULL DEFAULT 0,
    backed_up BIGINT NOT NULL DEFAULT 0,
    counter BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- WebAuthn ceremonies between their two requests: the challenge and what
-- the library keeps (serialised), so any instance finishes one another
-- began. Used once (deleted by the request that finishes it), short-lived.
CREATE TABLE webauthn_ceremonies (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_by_expiry ON webauthn_ceremonies (expires_at);
