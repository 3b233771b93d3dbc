-- Records that fill a slot (one per owner, kind, parent and time), such as a
-- tracker's readings of one month: two writers racing to create the same
-- slot cannot both succeed, so the loser re-reads and merges.
CREATE UNIQUE INDEX records_one_per_slot ON records (user_id, kind, parent_id, occurred_at)
    WHERE kind = 'tracker_month';
