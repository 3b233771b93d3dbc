-- Records of every kind beyond journal entries (appointments, questions,
-- goals and check-ins, insights, feedback, ...). Like entries: only ids,
-- the kind, an optional parent id and timestamps are plain; everything a
-- person wrote or answered is the encrypted payload.
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    parent_id TEXT,
    key_id TEXT NOT NULL REFERENCES kind_keys(id),
    occurred_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX records_by_user_kind_time ON records (user_id, kind, occurred_at, id);
CREATE INDEX records_by_parent ON records (user_id, parent_id);
