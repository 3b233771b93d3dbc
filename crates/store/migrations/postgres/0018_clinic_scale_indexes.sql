-- Indexes for queries that would otherwise read whole tables at clinic
-- scale (store/tests/query_plans.rs counts PostgreSQL's sequential scans):
-- whether a kind key still encrypts any row (a rotation's clean-up of
-- retired keys), and the sweep of entries deleted more than 30 days ago.
CREATE INDEX entries_by_key ON entries (key_id);
CREATE INDEX records_by_key ON records (key_id);
CREATE INDEX entries_deleted ON entries (deleted_at) WHERE deleted_at IS NOT NULL;
