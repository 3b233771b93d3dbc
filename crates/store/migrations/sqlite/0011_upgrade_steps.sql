-- Upgrade steps that need an account's own keys run at its next unlock: they
-- are marked due in key_rotations under the name "upgrade:<step>".
--
-- calendar_secret: the calendar feed's secret moves from the calendar
-- settings (sealed under the practices key, which a therapist may hold) to a
-- record under the account's own key, and is replaced if the account ever
-- had a therapist. ("WHERE true" lets SQLite parse ON CONFLICT after a SELECT.)
INSERT INTO key_rotations (user_id, kind, due_since)
SELECT id, 'upgrade:calendar_secret', 0 FROM users WHERE true
ON CONFLICT (user_id, kind) DO NOTHING;

-- Links ended before this version: their agenda snapshots go, and no item
-- stays sealed to the former therapist (ending a link now does this at once).
DELETE FROM share_items
WHERE kind = 'agenda' AND share_id IN (SELECT id FROM shares WHERE ended_at IS NOT NULL);
UPDATE share_items SET for_therapist = NULL
WHERE share_id IN (SELECT id FROM shares WHERE ended_at IS NOT NULL);
