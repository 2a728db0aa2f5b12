-- KIM imports staged in short transactions (issue 9). Kept in step with
-- ../postgres/0007_import_staging.sql.
--
-- A bulk import used to write every row in one transaction, holding SQLite's only write lock for
-- seconds while logins, sessions and audit entries waited. Now the rows are written here in
-- chunks, each its own short transaction, and become KIMs all at once in one final transaction
-- (set-based: a few statements, not one per row). Nothing reads these tables but the import, so
-- a crash mid-import leaves only invisible staged rows, which the rerun of the same batch clears.
CREATE TABLE kim_import_batches (
    id         INTEGER PRIMARY KEY,
    -- Who stages it, e.g. `job-42`: a rerun of the same job finds and clears its leftovers.
    key        TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX kim_import_batches_created ON kim_import_batches (created_at);

CREATE TABLE kim_import_rows (
    batch_id      INTEGER NOT NULL REFERENCES kim_import_batches (id) ON DELETE CASCADE,
    -- The row's place in the import: registration numbers follow it.
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    name_norm     TEXT NOT NULL,
    village_code  TEXT NOT NULL,
    district_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    address       TEXT NOT NULL,
    lat           REAL,
    lon           REAL,
    founded_on    TEXT,
    sk_number     TEXT NOT NULL,
    sk_date       TEXT,
    sk_issuer     TEXT NOT NULL,
    phone         TEXT,
    email         TEXT,
    social        TEXT NOT NULL,
    topics        TEXT NOT NULL,
    status        TEXT NOT NULL,
    import_key    TEXT NOT NULL,
    -- Handed out by the final transaction, from the village sequence.
    reg_number    TEXT,
    -- The `kim.import` audit entry's summary, written when the KIM is.
    audit_summary TEXT NOT NULL,
    PRIMARY KEY (batch_id, seq)
);

CREATE TABLE kim_import_topics (
    batch_id   INTEGER NOT NULL REFERENCES kim_import_batches (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    topic      TEXT NOT NULL,
    PRIMARY KEY (batch_id, seq, topic)
);
