-- Idempotency-Key on API POSTs (issue 17): the first answer to a request
-- with a key, sealed under a key derived from the caller's token (which
-- the database never holds), replayed to a retry with the same key.
CREATE TABLE api_idempotency (
    -- A hash of the token's derived key, the path and the client's key.
    key TEXT PRIMARY KEY,
    -- NULL while the first request runs.
    status BIGINT,
    sealed BYTEA,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
