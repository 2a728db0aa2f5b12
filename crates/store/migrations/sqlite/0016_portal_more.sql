-- Village voices, continued (issue 15): a citizen without an account is told when the office
-- answers, forwards or closes their aspiration, on the channel their contact allows (e-mail
-- through the mail outbox, SMS through the office's messaging gateway). One row per telling,
-- written in the same transaction as the office's action; its `aspiration.tell` job sends it.
-- The address is never copied here: the job opens the sealed contact when it runs.
-- Kept in step with ../postgres/0016_portal_more.sql.

-- `channel`: email | sms. `status`: queued (the job has yet to run), sent (handed to the outbox
-- or accepted by the gateway), failed (with `error`: no gateway for the region, refused).
CREATE TABLE aspiration_notices (
    id            INTEGER PRIMARY KEY,
    aspiration_id INTEGER NOT NULL REFERENCES aspirations (id) ON DELETE CASCADE,
    event_id      INTEGER NOT NULL REFERENCES aspiration_events (id) ON DELETE CASCADE,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL,
    mail_id       INTEGER REFERENCES outbox_mail (id) ON DELETE SET NULL,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    sent_at       TEXT
);
CREATE INDEX aspiration_notices_of ON aspiration_notices (aspiration_id, id);
