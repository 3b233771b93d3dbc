-- What a write-only token writes: sealed to the account's X25519 public key
-- (a copy pinned inside the token's own credential), never under a kind key,
-- and moved into the journal at the owner's next unlock. Plain: who, when it
-- arrived and the entry id it will have; "dedup" is a hash that makes a
-- repeated write (same token, same idempotency id) add nothing.
CREATE TABLE inbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dedup BYTEA NOT NULL,
    sealed BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, dedup)
);

-- write_only_tokens: write-only tokens made before held the journal and
-- shared-journal keys (their secrets are not stored, so they cannot be
-- re-wrapped): each token's blob is replaced at its next use, and the
-- journal keys of every account that ever had one are replaced at its next
-- unlock, so a copy of such a token opens nothing written from then on.
INSERT INTO key_rotations (user_id, kind, due_since)
SELECT DISTINCT user_id, 'upgrade:write_only_tokens', 0 FROM credentials
WHERE scope = 'write-only'
ON CONFLICT (user_id, kind) DO NOTHING;
