-- Emergency alerts (issue 11): BMKG and CAP feeds in, alerts targeted at KIMs with the reason
-- for each, acknowledgements and situation reports back. Kept in step with
-- ../postgres/0008_alerts.sql.

-- A feed Simpul polls: BMKG's earthquake JSON/XML, or any CAP 1.2 document or Atom feed.
-- `next_poll_at` moves forward after each poll (by `every_secs`, or by the backoff after a
-- failure: `failures` in a row).
CREATE TABLE alert_feeds (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    url           TEXT NOT NULL UNIQUE,
    every_secs    INTEGER NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT 1,
    next_poll_at  TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_ok_at    TEXT,
    last_error    TEXT,
    last_error_at TEXT,
    created_at    TEXT NOT NULL
);

-- One alert, whatever its origin. `identifier`/`sender` are its CAP identity; `area` the JSON of
-- its area (polygons, circles, regions, felt kabupaten/kota); `quake` BMKG's event (JSON) for
-- earthquakes, merged as later reports arrive; `scope_region` the office whose territory it
-- concerns ('' for national), for role-and-region checks; `version` counts the messages sent;
-- `source_sent` the `sent` time of the latest CAP message applied from a feed (an older or
-- repeated one changes nothing).
CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    identifier     TEXT NOT NULL UNIQUE,
    sender         TEXT NOT NULL,
    origin         TEXT NOT NULL,
    feed_id        INTEGER REFERENCES alert_feeds (id) ON DELETE SET NULL,
    state          TEXT NOT NULL,
    hazard         TEXT NOT NULL,
    severity       TEXT NOT NULL,
    urgency        TEXT NOT NULL,
    certainty      TEXT NOT NULL,
    headline       TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    instruction    TEXT NOT NULL DEFAULT '',
    headline_en    TEXT NOT NULL DEFAULT '',
    instruction_en TEXT NOT NULL DEFAULT '',
    area_desc      TEXT NOT NULL,
    area           TEXT NOT NULL,
    quake          TEXT,
    scope_region   TEXT NOT NULL DEFAULT '',
    onset          TEXT,
    expires        TEXT,
    source_sent    TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    approved_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    sent_at        TEXT,
    cancelled_at   TEXT
);
CREATE INDEX alerts_state ON alerts (state, sent_at);
CREATE INDEX alerts_scope ON alerts (scope_region);

-- Every message of an alert as sent (Alert, then Update or Cancel), with its CAP document.
CREATE TABLE alert_messages (
    alert_id   INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    msg_type   TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    cap_xml    TEXT NOT NULL,
    PRIMARY KEY (alert_id, version)
);

-- The KIMs an alert reaches, why (`reason`, `detail`: the polygon, the distance, the region or
-- the felt intensity), and where each stands: `status` 'silent' until an acknowledgement
-- (received / safe / affected / need_help); `escalated_at` when another channel and the
-- kabupaten/kota admin were asked to reach it.
CREATE TABLE alert_targets (
    alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    kim_id       INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    regency_code TEXT NOT NULL,
    targeted_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'silent',
    status_at    TEXT,
    first_ack_at TEXT,
    escalated_at TEXT,
    PRIMARY KEY (alert_id, kim_id)
);
CREATE INDEX alert_targets_kim ON alert_targets (kim_id);
CREATE INDEX alert_targets_silent ON alert_targets (status, escalated_at);

-- Every tap of an acknowledgement (the target row holds the latest).
CREATE TABLE alert_acks (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    kim_id   INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind     TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX alert_acks_alert ON alert_acks (alert_id, at);

-- Situation reports from the field: text, a location, photos (re-encoded, metadata dropped,
-- in `files`).
CREATE TABLE alert_reports (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    kim_id     INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    lat        REAL,
    lon        REAL,
    created_at TEXT NOT NULL
);
CREATE INDEX alert_reports_alert ON alert_reports (alert_id, id);
CREATE TABLE alert_report_photos (
    report_id INTEGER NOT NULL REFERENCES alert_reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    file_id   INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, position)
);

-- Per office (region): whether an alert composed there waits for a second person's approval.
CREATE TABLE alert_office_settings (
    region_code       TEXT PRIMARY KEY,
    requires_approval BOOLEAN NOT NULL DEFAULT 0,
    updated_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at        TEXT NOT NULL
);

-- Saved areas an office reuses ("Lereng Semeru", "Pesisir selatan Malang").
CREATE TABLE alert_areas (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    area        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (region_code, name)
);
