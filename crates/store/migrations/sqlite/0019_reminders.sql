-- Reminders (issue 17). What the scheduler may read while a person is
-- signed out: a plan sealed to a key pair of its own, whose secret is
-- wrapped under the server key (kept outside the database), so a copied
-- database opens no plan.
CREATE TABLE reminder_plans (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    public_key BLOB NOT NULL,
    -- The plan key pair's secret, sealed under the server key.
    wrapped_secret BLOB NOT NULL,
    -- Which server key wraps it (a fingerprint, not the key).
    server_key TEXT NOT NULL,
    sealed_plan BLOB NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per reminder slot and channel, committed before sending, so a
-- reminder goes out at most once across restarts and instances. The slot
-- is a keyed hash (of the reminder and its local time) only the plan's
-- key makes; what to send again on a retry is sealed under it too.
CREATE TABLE reminder_deliveries (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slot TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    -- sending, sent, retry, failed
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    sealed_message BLOB NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, slot, channel_id)
);
CREATE INDEX reminder_deliveries_retry ON reminder_deliveries (next_attempt_at) WHERE state = 'retry';
CREATE INDEX reminder_deliveries_claimed ON reminder_deliveries (claimed_at);

-- What the settings page shows per channel and what the scheduler must
-- respect without the person's keys: confirmed (an email's opt-in link
-- followed), unsubscribed (an email's List-Unsubscribe), gone (a push
-- service said the subscription ended), and the last delivery.
CREATE TABLE reminder_channels (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    confirmed_at BIGINT,
    stopped_at BIGINT,
    stopped_why TEXT,
    last_delivered_at BIGINT,
    last_error TEXT,
    PRIMARY KEY (user_id, channel_id)
);

-- Secrets in links sent by email (opt-in, unsubscribe), as lookups
-- derived from them.
CREATE TABLE reminder_links (
    lookup TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
