-- Kinds whose keys must be replaced at the owner's next unlock (a scope
-- switched off, a link ended): only the owner's credentials can make a new
-- key and re-encrypt, so the server just remembers that it is due.
CREATE TABLE key_rotations (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    due_since BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
