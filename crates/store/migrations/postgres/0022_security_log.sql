-- The security log (issue 19): every change to how one signs in (password,
-- recovery, tokens, device logins, signing others out) is a row; its kind
-- and time are plain, what exactly (a token's name, a device's label) is
-- sealed to the person's public key.
ALTER TABLE security_events ADD COLUMN details BYTEA;
