-- Second factors (issue 19). A person's one-time-code secret is sealed under
-- a key derived from their root key, so a copied database does not reveal
-- it; kind and times are plain, and the last time step a code was accepted
-- for, so a code is refused a second time on every instance.
CREATE TABLE second_factors (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    secret BYTEA NOT NULL,
    last_step BIGINT,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX second_factors_by_user ON second_factors (user_id);

-- Between the password step and the code step of a sign-in: the root key
-- wrapped under a one-time secret only the browser's cookie carries (found
-- by its lookup hash), so any instance finishes the sign-in and a copied
-- database opens nothing. Short-lived, used once, and given up after a few
-- wrong codes.
CREATE TABLE pending_signins (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lookup BYTEA NOT NULL UNIQUE,
    wrapped BYTEA NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pending_signins_by_expiry ON pending_signins (expires_at);
