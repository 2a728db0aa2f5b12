-- Hoax clearing house (issue 12): claims, the reports grouped under them, clarifications,
-- verifier notes, the second-review setting per office, and the public intake's rate counters.
-- (0008 is the alerts capability's; sqlx applies versions in order and accepts the gap.)

-- A claim: one thing people keep forwarding. `region_code`: where it was first reported (scope).
-- status: new, in_review, awaiting_review, published, merged.
CREATE TABLE hoax_claims (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'new',
    topic         TEXT,
    region_code   TEXT,
    assignee_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    merged_into   INTEGER REFERENCES hoax_claims (id),
    report_count  INTEGER NOT NULL DEFAULT 0,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX hoax_claims_status ON hoax_claims (status, last_seen_at);

-- One suspicious message as it reached us. Reporter contact (e-mail, gateway sender) is personal
-- data, encrypted with the installation key; `answered_at`: when the reporter got the verdict.
CREATE TABLE hoax_reports (
    id             INTEGER PRIMARY KEY,
    claim_id       INTEGER NOT NULL REFERENCES hoax_claims (id),
    body           TEXT NOT NULL,
    links          TEXT NOT NULL DEFAULT '',
    image_hashes   TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL,
    region_code    TEXT,
    reporter_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reporter_email TEXT,
    gateway_region TEXT,
    gateway_sender TEXT,
    instant        BOOLEAN NOT NULL DEFAULT 0,
    similarity     REAL,
    answered_at    TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX hoax_reports_claim ON hoax_reports (claim_id, id);
CREATE INDEX hoax_reports_reporter ON hoax_reports (reporter_id, id);
CREATE INDEX hoax_reports_created ON hoax_reports (created_at);

-- Pictures of a report, re-encoded as PNG without metadata, with their perceptual hash.
CREATE TABLE hoax_report_images (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES hoax_reports (id) ON DELETE CASCADE,
    phash     TEXT NOT NULL,
    png       BLOB NOT NULL
);
CREATE INDEX hoax_report_images_report ON hoax_report_images (report_id);

-- The verdict and its clarification; `published_at` set when it is public.
CREATE TABLE hoax_clarifications (
    claim_id     INTEGER PRIMARY KEY REFERENCES hoax_claims (id),
    label        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    sources      TEXT NOT NULL,
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reviewer_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX hoax_clarifications_published ON hoax_clarifications (published_at);

-- What verifiers found while investigating (not public).
CREATE TABLE hoax_notes (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES hoax_claims (id),
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX hoax_notes_claim ON hoax_notes (claim_id, id);

-- Whether an office (and the regions inside it) requires a second verifier before publishing.
CREATE TABLE hoax_settings (
    region_code   TEXT PRIMARY KEY,
    second_review BOOLEAN NOT NULL,
    updated_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at    TEXT NOT NULL
);

-- Every change the matching index must follow (a new report text, a verdict, a merge), in
-- order: each instance reads the rows after the last it applied before matching.
CREATE TABLE hoax_index_log (
    id       INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL,
    at       TEXT NOT NULL
);

-- Submissions per source (a hashed IP, a gateway, an account) and window, for flood limits.
CREATE TABLE hoax_intake_counts (
    bucket       TEXT NOT NULL,
    window_start TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
