-- A passkey whose authenticator offers no PRF cannot hold the root key; it
-- is kept as a second step for password sign-in instead (issue 19).
ALTER TABLE passkeys ADD COLUMN second_step BIGINT NOT NULL DEFAULT 0;
