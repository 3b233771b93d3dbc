-- What passes between a client and a linked therapist: agenda snapshots the
-- client's app builds from shared scopes, the therapist's comments and
-- points, and practice the therapist assigns. Each is sealed to the public
-- key of whoever must read it, so the server holds only ciphertext; rows go
-- with the link.
CREATE TABLE share_items (
    id TEXT PRIMARY KEY,
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- What the item is about (an appointment for snapshots and comments).
    subject TEXT,
    for_client BLOB,
    for_therapist BLOB,
    -- Assigned practice: pending, accepted, declined.
    state TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX share_items_by_share ON share_items (share_id, kind, created_at);

-- A document sent as a private link to someone without an account. The
-- link's secret derives both the lookup (stored) and the key (never
-- stored), so the server cannot open the snapshot without the link.
CREATE TABLE private_links (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lookup TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    item_id TEXT,
    sealed BLOB NOT NULL,
    -- The owner's own note of what it is, under their key.
    label BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_views BIGINT,
    views BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT
);
CREATE INDEX private_links_by_owner ON private_links (owner_id, created_at);
