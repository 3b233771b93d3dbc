-- One saved agenda per appointment (the nil id stands for "the next session,
-- none planned yet"): two first edits racing cannot both create one, so the
-- loser re-reads and applies its edit to the winner's agenda.
CREATE UNIQUE INDEX records_one_agenda ON records (user_id, kind, parent_id)
    WHERE kind = 'agenda';
