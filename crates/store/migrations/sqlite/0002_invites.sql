-- One-time invitations to create an account, made by the operator.
-- Only a hash of the invite code is kept.
CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    lookup BLOB NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
