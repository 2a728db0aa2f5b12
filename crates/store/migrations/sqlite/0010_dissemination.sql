-- Dissemination and program synchronisation (issue 13): packages offices and partners publish to
-- KIMs, the KIMs each package reaches, their dissemination reports, and the shared calendar of
-- public-communication programs with the decisions taken on their overlaps.

-- A package. status: draft, review, published. `owner_region`: the owning office (NULL:
-- national). `targets`: one target a line (`region:35.14`, `group:3`, `topic:health`).
-- `captions`: JSON object channel → ready-to-post text. `version` grows with each correction.
CREATE TABLE dissem_packages (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    topic        TEXT NOT NULL,
    key_messages TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    captions     TEXT NOT NULL DEFAULT '{}',
    video_link   TEXT NOT NULL DEFAULT '',
    targets      TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    priority     TEXT NOT NULL DEFAULT 'normal',
    status       TEXT NOT NULL DEFAULT 'draft',
    owner_region TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX dissem_packages_status ON dissem_packages (status, ends_on);

-- Each correction of a published package: what changed and why.
CREATE TABLE dissem_versions (
    id          INTEGER PRIMARY KEY,
    package_id  INTEGER NOT NULL REFERENCES dissem_packages (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    change_note TEXT NOT NULL,
    changed     TEXT NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (package_id, version)
);

-- Attachments: pictures re-encoded as PNG without metadata, or PDF documents.
CREATE TABLE dissem_attachments (
    id           INTEGER PRIMARY KEY,
    package_id   INTEGER NOT NULL REFERENCES dissem_packages (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX dissem_attachments_package ON dissem_attachments (package_id);

-- The KIMs a published package reaches. state: new, in_progress, done.
CREATE TABLE dissem_targets (
    package_id   INTEGER NOT NULL REFERENCES dissem_packages (id) ON DELETE CASCADE,
    kim_id       INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    regency_code TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'new',
    added_at     TEXT NOT NULL,
    acted_at     TEXT,
    notified_at  TEXT,
    PRIMARY KEY (package_id, kim_id)
);
CREATE INDEX dissem_targets_kim ON dissem_targets (kim_id, state);

-- A KIM's report of passing a package on. review: ok, flagged (reach implausible, left out of
-- the totals until an office accepts it), accepted, rejected.
CREATE TABLE dissem_reports (
    id           INTEGER PRIMARY KEY,
    package_id   INTEGER NOT NULL REFERENCES dissem_packages (id) ON DELETE CASCADE,
    kim_id       INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    regency_code TEXT NOT NULL,
    channel      TEXT NOT NULL,
    reported_on  TEXT NOT NULL,
    reach        INTEGER NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    review       TEXT NOT NULL DEFAULT 'ok',
    photo        BLOB,
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX dissem_reports_package ON dissem_reports (package_id, review);
CREATE INDEX dissem_reports_kim ON dissem_reports (kim_id, id);
CREATE INDEX dissem_reports_regency ON dissem_reports (regency_code, reported_on);

-- A public-communication program in the shared calendar. `regions`: comma-separated codes;
-- `channels`: comma-separated (`kim` when it goes through the KIMs).
CREATE TABLE programs (
    id           INTEGER PRIMARY KEY,
    theme        TEXT NOT NULL,
    topic        TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    regions      TEXT NOT NULL,
    owner_region TEXT,
    channels     TEXT NOT NULL DEFAULT '',
    budget_line  TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX programs_period ON programs (starts_on, ends_on);

-- How the owners resolved an overlap between two programs (a_id < b_id).
-- decision: merge, move, accept.
CREATE TABLE program_decisions (
    a_id       INTEGER NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    b_id       INTEGER NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    decision   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a_id, b_id)
);
