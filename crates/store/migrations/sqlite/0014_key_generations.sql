-- Kind keys carry a generation: 1 for a kind's first key, one more for each
-- rotation, bound into the wrapped key's AAD (so the column cannot be
-- changed without the root key) and unique per user and kind. The current
-- key of a kind is the highest generation that opens, never an order of
-- rows. Keys stored before have none: the step "upgrade:key_generations"
-- numbers them in the order they were made, and re-wraps them with their
-- generation, at each account's next unlock with its root key.
-- ("WHERE true" lets SQLite parse ON CONFLICT after a SELECT.)
ALTER TABLE kind_keys ADD COLUMN generation BIGINT;
CREATE UNIQUE INDEX kind_keys_generation ON kind_keys (user_id, kind, generation);
INSERT INTO key_rotations (user_id, kind, due_since)
SELECT id, 'upgrade:key_generations', 0 FROM users WHERE true
ON CONFLICT (user_id, kind) DO NOTHING;
