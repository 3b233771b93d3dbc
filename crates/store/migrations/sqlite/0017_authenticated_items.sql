-- Items between a client and a therapist (shared keys, agenda snapshots,
-- notes, assignments and answers) are now sealed with a key only the two
-- sides of the link can compute, with link, item, kind and author in the
-- associated data. Keys sealed before were anonymous boxes: the step
-- "upgrade:authenticated_items" seals every key a client's links hold again
-- and publishes the agenda snapshot again, at the client's next unlock.
-- Older notes and assignments stay as they are and read as "not verified".
-- ("WHERE true" lets SQLite parse ON CONFLICT after a SELECT.)
INSERT INTO key_rotations (user_id, kind, due_since)
SELECT DISTINCT client_id, 'upgrade:authenticated_items', 0 FROM shares WHERE ended_at IS NULL
ON CONFLICT (user_id, kind) DO NOTHING;
