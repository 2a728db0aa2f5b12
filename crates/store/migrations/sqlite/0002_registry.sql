-- KIM registry (SQLite). Kept in step with ../postgres/0002_registry.sql.

-- Uploaded files (decree scans, logos). Stored in the database so every instance sees them and
-- a database backup is a complete backup.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE kims (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    name_norm        TEXT NOT NULL,
    village_code     TEXT NOT NULL REFERENCES regions (code),
    district_code    TEXT NOT NULL,
    regency_code     TEXT NOT NULL,
    province_code    TEXT NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    founded_on       TEXT,
    sk_number        TEXT NOT NULL DEFAULT '',
    sk_date          TEXT,
    sk_issuer        TEXT NOT NULL DEFAULT '',
    sk_file_id       INTEGER REFERENCES files (id) ON DELETE SET NULL,
    logo_file_id     INTEGER REFERENCES files (id) ON DELETE SET NULL,
    phone            TEXT,
    email            TEXT,
    social           TEXT NOT NULL DEFAULT '{}',
    topics           TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    reg_number       TEXT UNIQUE,
    reject_reason    TEXT,
    duplicate_of     INTEGER REFERENCES kims (id) ON DELETE SET NULL,
    import_key       TEXT UNIQUE,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    status_at        TEXT NOT NULL,
    last_activity_at TEXT NOT NULL
);
CREATE INDEX kims_province ON kims (province_code, status);
CREATE INDEX kims_regency ON kims (regency_code, status);
CREATE INDEX kims_district ON kims (district_code, status);
CREATE INDEX kims_village ON kims (village_code);
CREATE INDEX kims_name ON kims (name_norm);
CREATE INDEX kims_activity ON kims (status, last_activity_at);

-- One row per focus topic, for filtering.
CREATE TABLE kim_topics (
    kim_id INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    topic  TEXT NOT NULL,
    PRIMARY KEY (kim_id, topic)
);
CREATE INDEX kim_topics_topic ON kim_topics (topic, kim_id);

-- Registration numbers are built on the village code and a per-village sequence that only
-- grows, so a number is never reused even after a KIM is dissolved.
CREATE TABLE kim_number_seq (
    village_code TEXT PRIMARY KEY,
    last_seq     INTEGER NOT NULL
);

CREATE TABLE kim_members (
    id          INTEGER PRIMARY KEY,
    kim_id      INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    phone       TEXT,
    email       TEXT,
    gender      TEXT,
    age_band    TEXT,
    occupation  TEXT NOT NULL DEFAULT '',
    -- NIK: AES-256-GCM ciphertext, a keyed digest to find duplicates, and the masked form.
    nik_enc     TEXT,
    nik_digest  TEXT,
    nik_masked  TEXT,
    consent_on  TEXT,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX kim_members_kim ON kim_members (kim_id);
CREATE INDEX kim_members_nik ON kim_members (nik_digest);

CREATE TABLE kim_invites (
    token_hash TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES kim_members (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- In-app notifications (KIM officers often have no e-mail).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
