-- Rotation that a concurrent write cannot undo.
--
-- A replaced kind key is retired (retired_at) in the transaction that adds
-- its successor; every write of ciphertext names its key and is refused in
-- the same statement when that key is not a current one of the account, so
-- a request holding a keyring from before the rotation re-seals under the
-- new key instead. A retired key is deleted once nothing is stored under it.
ALTER TABLE kind_keys ADD COLUMN retired_at BIGINT;

-- Keys an earlier rotation replaced are retired: the newest key of each
-- kind (the one today's code writes with) stays current.
UPDATE kind_keys SET retired_at = 0
WHERE EXISTS (
    SELECT 1 FROM kind_keys newer
    WHERE newer.user_id = kind_keys.user_id AND newer.kind = kind_keys.kind
      AND (newer.created_at > kind_keys.created_at
           OR (newer.created_at = kind_keys.created_at AND newer.id > kind_keys.id))
);

-- The key a rotation made, so a rotation interrupted after making it is
-- finished with that key rather than a second one. Marking the kind due
-- again clears it (the key may have been shared since).
ALTER TABLE key_rotations ADD COLUMN new_key_id TEXT;

-- One rotation of an account at a time: whoever holds the lease rotates;
-- a crashed holder's lease expires and the next unlock finishes the work.
CREATE TABLE rotation_leases (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
