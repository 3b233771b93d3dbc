-- Things the app found and repaired that the person should hear about (the
-- account's public key found changed in the database and put back). Plain:
-- what happened and when, nothing anyone wrote.
CREATE TABLE security_events (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX security_events_by_user ON security_events (user_id, at);
