-- A child record kind read per parent in time order (a practice's logs, a
-- goal's check-ins, a tracker's months) is found, ordered and, for times
-- only, answered from this index alone, without visiting each row.
CREATE INDEX records_by_user_kind_parent_time ON records (user_id, kind, parent_id, occurred_at, id);
