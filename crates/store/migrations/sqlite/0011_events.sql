-- Capacity building (issue 14): forums, bimtek, workshops, discussions and webinars; their
-- agenda, regional quotas, invitations, registrations with a waiting list, per-session
-- check-ins, evaluations, materials and certificates.
-- (0010 is the dissemination capability's; sqlx applies versions in order and accepts a gap.)

-- An event. `region_code`: the organising office's region (scope of who manages it).
-- `allowed_roles`/`allowed_regions`: comma-separated, empty = anyone signed in / anywhere.
-- `seats_version` is bumped by every registration change: the UPDATE takes the row lock that
-- serialises seat decisions on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers).
CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    venue            TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    online_url       TEXT NOT NULL DEFAULT '',
    starts_at        TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    capacity         INTEGER NOT NULL,
    reg_opens_at     TEXT NOT NULL,
    reg_closes_at    TEXT NOT NULL,
    allowed_roles    TEXT NOT NULL DEFAULT '',
    allowed_regions  TEXT NOT NULL DEFAULT '',
    invited_only     BOOLEAN NOT NULL DEFAULT 0,
    materials_public BOOLEAN NOT NULL DEFAULT 0,
    min_attendance   INTEGER NOT NULL DEFAULT 75,
    region_code      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'published',
    seats_version    INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX events_starts ON events (starts_at);

-- The agenda. `speakers`: JSON list of {name, position, institution}.
CREATE TABLE event_sessions (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at   TEXT NOT NULL,
    speakers  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, position);

-- At most `seats` confirmed participants from inside `region_code`.
CREATE TABLE event_quotas (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    seats       INTEGER NOT NULL,
    PRIMARY KEY (event_id, region_code)
);

-- KIMs invited (for events open to invited KIMs only, and for the invitation notice).
CREATE TABLE event_invites (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kim_id   INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, kim_id)
);

-- One person's place. status: confirmed, waitlisted, cancelled. `quota_region`: the quota
-- the seat counts against. `ticket_nonce` is part of the signed ticket code;
-- `certificate_code` is set when the certificate is first issued.
CREATE TABLE event_registrations (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    region_code      TEXT NOT NULL DEFAULT '',
    kim_id           INTEGER REFERENCES kims (id) ON DELETE SET NULL,
    quota_region     TEXT,
    status           TEXT NOT NULL,
    ticket_nonce     TEXT NOT NULL,
    certificate_code TEXT UNIQUE,
    certificate_at   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX event_registrations_status ON event_registrations (event_id, status, id);
CREATE INDEX event_registrations_user ON event_registrations (user_id);
CREATE INDEX event_registrations_kim ON event_registrations (kim_id);

-- One check-in per participant and session: scanning twice changes nothing.
CREATE TABLE event_checkins (
    registration_id INTEGER NOT NULL REFERENCES event_registrations (id) ON DELETE CASCADE,
    session_id      INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    by_user         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source          TEXT NOT NULL,
    PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX event_checkins_session ON event_checkins (session_id);

-- A participant's rating (1-5) and comment for a session they attended.
CREATE TABLE event_evaluations (
    registration_id INTEGER NOT NULL REFERENCES event_registrations (id) ON DELETE CASCADE,
    session_id      INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    rating          INTEGER NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    PRIMARY KEY (registration_id, session_id)
);

-- Slides, recordings, documents (links).
CREATE TABLE event_materials (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX event_materials_event ON event_materials (event_id, id);
