-- Consent the client's own app can verify, so that someone who can write
-- the database cannot redirect sharing.
--
-- The invitation's code, sealed under a key from the client's root key: the
-- client's app later checks the therapist's binding with it.
ALTER TABLE share_invites ADD COLUMN sealed_code BLOB;
-- Written by the therapist's app when accepting: a MAC keyed from the
-- invitation code (only the client and the invited therapist know it) over
-- the link, the therapist and the therapist's public key.
CREATE TABLE share_bindings (
    share_id TEXT PRIMARY KEY REFERENCES shares(id) ON DELETE CASCADE,
    invite_id TEXT NOT NULL,
    binding BLOB NOT NULL
);
-- Each side's own record of a link, sealed under a key from its own root
-- key: the client's consent (therapist, their public key, scopes), the
-- therapist's pinned copy of the client's public key.
CREATE TABLE share_consents (
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed BLOB NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (share_id, user_id)
);
