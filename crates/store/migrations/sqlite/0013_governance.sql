-- Partnership governance (issue 16): the KIM performance index (definitions, local
-- indicators, computed runs with a snapshot of the definition and of every KIM's raw inputs),
-- coaching, partnership agreements with their documents and obligations, and tiered awards.
-- (0012 is the portal capability's; sqlx applies versions in order and accepts a gap.)

-- An index a province defines for a period. `items`: JSON list of core::governance::Item.
-- `local_limit`: the weight (percent) kabupaten/kota offices may give local indicators.
CREATE TABLE gov_indexes (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    title         TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'draft',
    local_limit   INTEGER NOT NULL DEFAULT 0,
    items         TEXT NOT NULL,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    published_at  TEXT
);
CREATE INDEX gov_indexes_province ON gov_indexes (province_code, starts_on);

-- A kabupaten/kota office's local indicators for an index (JSON list of Item).
CREATE TABLE gov_local_items (
    index_id     INTEGER NOT NULL REFERENCES gov_indexes (id) ON DELETE CASCADE,
    regency_code TEXT NOT NULL,
    items        TEXT NOT NULL,
    updated_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (index_id, regency_code)
);

-- One computation. `definition`: JSON snapshot of the items and every office's local items as
-- they were, so the run re-scores alone.
CREATE TABLE gov_runs (
    id          INTEGER PRIMARY KEY,
    index_id    INTEGER NOT NULL REFERENCES gov_indexes (id) ON DELETE CASCADE,
    definition  TEXT NOT NULL,
    kims        INTEGER NOT NULL,
    cause       TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX gov_runs_index ON gov_runs (index_id, id);

-- A KIM's score in a run. `inputs`: JSON core::governance::Inputs (members and raw values).
CREATE TABLE gov_scores (
    run_id        INTEGER NOT NULL REFERENCES gov_runs (id) ON DELETE CASCADE,
    kim_id        INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    regency_code  TEXT NOT NULL,
    score         REAL NOT NULL,
    rank_regency  INTEGER NOT NULL,
    rank_province INTEGER NOT NULL,
    inputs        TEXT NOT NULL,
    PRIMARY KEY (run_id, kim_id)
);
CREATE INDEX gov_scores_rank ON gov_scores (run_id, rank_province);
CREATE INDEX gov_scores_kim ON gov_scores (kim_id, run_id);

-- Coaching: an invitation to a bimtek (an event of the events capability) or a visit note.
CREATE TABLE gov_coaching (
    id         INTEGER PRIMARY KEY,
    kim_id     INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    index_id   INTEGER REFERENCES gov_indexes (id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    event_id   INTEGER REFERENCES events (id) ON DELETE SET NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX gov_coaching_kim ON gov_coaching (kim_id, created_at);

-- Partnership agreements (MoU, cooperation agreements). `parties`: one per line.
-- `reminded`: the last expiry reminder sent ('', '60', '30', '7' days before).
CREATE TABLE gov_agreements (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    scope       TEXT NOT NULL,
    parties     TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    reminded    TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX gov_agreements_region ON gov_agreements (region_code, ends_on);

CREATE TABLE gov_agreement_files (
    agreement_id INTEGER NOT NULL REFERENCES gov_agreements (id) ON DELETE CASCADE,
    file_id      INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    PRIMARY KEY (agreement_id, file_id)
);

-- What a party promised, and how far it got (open, in_progress, done).
CREATE TABLE gov_obligations (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES gov_agreements (id) ON DELETE CASCADE,
    party        TEXT NOT NULL,
    description  TEXT NOT NULL,
    due_on       TEXT,
    status       TEXT NOT NULL DEFAULT 'open',
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);
CREATE INDEX gov_obligations_agreement ON gov_obligations (agreement_id, id);

-- Tiered awards: level regency → province → national. `categories`: one per line.
CREATE TABLE gov_awards (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    level       TEXT NOT NULL,
    title       TEXT NOT NULL,
    categories  TEXT NOT NULL,
    rubric      TEXT NOT NULL,
    max_score   INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    published_at TEXT
);

CREATE TABLE gov_nominations (
    id         INTEGER PRIMARY KEY,
    award_id   INTEGER NOT NULL REFERENCES gov_awards (id) ON DELETE CASCADE,
    kim_id     INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (award_id, kim_id, category)
);

CREATE TABLE gov_jurors (
    award_id INTEGER NOT NULL REFERENCES gov_awards (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (award_id, user_id)
);

-- `no_conflict`: the juror declared no conflict of interest with the nominated KIM.
CREATE TABLE gov_jury_scores (
    nomination_id INTEGER NOT NULL REFERENCES gov_nominations (id) ON DELETE CASCADE,
    juror_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    score         INTEGER NOT NULL,
    no_conflict   BOOLEAN NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    PRIMARY KEY (nomination_id, juror_id)
);
