-- Delivery backbone (issue 9): one job queue for all background work, and notifications that
-- reach people on the channels they chose.

-- Each job kind declares its retry policy (copied onto the row when queued) and may name an
-- idempotency key: queuing the same key twice yields one job. `dead`: given up after its attempts.
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 5;
ALTER TABLE jobs ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
CREATE INDEX jobs_kind ON jobs (kind, id);

-- Cron-like schedules: the instance that moves `next_run_at` forward (a conditional update)
-- queues the period's job; the others see the row already moved. Once per period, cluster-wide.
CREATE TABLE job_schedules (
    name        TEXT PRIMARY KEY,
    every_secs  INTEGER NOT NULL,
    next_run_at TEXT NOT NULL,
    last_job_id INTEGER
);

-- A phone number the office's messaging gateway (WhatsApp/SMS/Telegram relay) can reach.
ALTER TABLE users ADD COLUMN phone TEXT;

-- What kind of message a notification is (the recipient's channel choice depends on it), how
-- urgent, and an idempotency key so the same event never notifies a person twice.
ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'account';
ALTER TABLE notifications ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE notifications ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Per person and kind of message: the channels chosen (comma-separated), and whether
-- low-priority messages are batched into a digest. No row: the kind's defaults.
CREATE TABLE notification_prefs (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    channels   TEXT NOT NULL,
    digest     BOOLEAN NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A browser's Web Push subscription (removed when the push service answers 404/410).
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- An office's messaging gateway: signed webhooks to this URL. The secret is encrypted with the
-- installation's key and shown only once, to the admin who sets it.
CREATE TABLE office_webhooks (
    region_code TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL
);

-- One row per notification, person and channel: the delivery log.
-- status: queued, sent, delivered, failed, digest (waiting for the next digest), suppressed.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (notification_id, channel)
);
CREATE INDEX deliveries_status ON deliveries (status, id);
CREATE INDEX deliveries_user ON deliveries (user_id, channel, id);

-- Installation-wide generated settings (the VAPID key pair for Web Push).
CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A mail sent for a notification reports back to its delivery.
ALTER TABLE outbox_mail ADD COLUMN delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL;
