-- Directory name search at national scale. "Name contains maju" cannot use a B-tree index, so it
-- scanned all 80,000 names; an FTS5 trigram index answers any fragment of three or more
-- characters from its posting lists (the same role pg_trgm's GIN index plays on PostgreSQL).
-- External content: the text lives once, in kims.name_norm; triggers keep the index in step.
CREATE VIRTUAL TABLE kims_name_fts USING fts5(
    name_norm,
    content = 'kims',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO kims_name_fts (kims_name_fts) VALUES ('rebuild');
CREATE TRIGGER kims_name_fts_insert AFTER INSERT ON kims BEGIN
    INSERT INTO kims_name_fts (rowid, name_norm) VALUES (new.id, new.name_norm);
END;
CREATE TRIGGER kims_name_fts_delete AFTER DELETE ON kims BEGIN
    INSERT INTO kims_name_fts (kims_name_fts, rowid, name_norm) VALUES ('delete', old.id, old.name_norm);
END;
CREATE TRIGGER kims_name_fts_update AFTER UPDATE OF name_norm ON kims BEGIN
    INSERT INTO kims_name_fts (kims_name_fts, rowid, name_norm) VALUES ('delete', old.id, old.name_norm);
    INSERT INTO kims_name_fts (rowid, name_norm) VALUES (new.id, new.name_norm);
END;

-- The durable job queue (see crates/store/src/jobs.rs): long work (a 100,000-row import check,
-- later alert fan-outs and reports) runs outside the request, survives a crash through its
-- lease, and reports progress that a page can show.
CREATE TABLE jobs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    payload        TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued',
    stage          TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    progress_done  INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    result         TEXT,
    error          TEXT,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finished_at    TEXT
);
CREATE INDEX jobs_waiting ON jobs (status, id);
