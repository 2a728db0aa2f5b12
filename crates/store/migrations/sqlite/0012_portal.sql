-- Village voices (issue 15): KIM posts on the public portal (news, village potential, success
-- stories, event reports) with photos, review and moderation, re-shares; citizens'
-- aspirations routed to the office that can act. Kept in step with ../postgres/0012_portal.sql.

-- A post. `body_html` is the server-rendered, sanitised Markdown (never the author's HTML).
-- `status`: pending (waiting for the kabupaten/kota office), published, sent_back.
-- `hidden`: taken down by moderation (with `hidden_reason`); re-shares follow it.
-- Region columns are the KIM's village and its parents, copied so the portal's region pages
-- filter on one indexed column.
CREATE TABLE portal_posts (
    id            INTEGER PRIMARY KEY,
    kim_id        INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL,
    category      TEXT NOT NULL,
    title         TEXT NOT NULL,
    body_md       TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    summary       TEXT NOT NULL,
    topics        TEXT NOT NULL DEFAULT '',
    place_name    TEXT NOT NULL DEFAULT '',
    price_range   TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    contact       TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lon           REAL,
    status        TEXT NOT NULL,
    review_note   TEXT NOT NULL DEFAULT '',
    hidden        BOOLEAN NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    village_code  TEXT NOT NULL,
    district_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    reshares      INTEGER NOT NULL DEFAULT 0,
    published_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX portal_posts_published ON portal_posts (status, published_at);
CREATE INDEX portal_posts_kim ON portal_posts (kim_id, published_at);
CREATE INDEX portal_posts_regency ON portal_posts (regency_code, published_at);
CREATE INDEX portal_posts_district ON portal_posts (district_code, published_at);
CREATE INDEX portal_posts_village ON portal_posts (village_code, published_at);
CREATE INDEX portal_posts_province ON portal_posts (province_code, published_at);

-- Photos in responsive sizes (both re-encoded JPEG in `files`), with caption and alt text.
CREATE TABLE portal_post_photos (
    post_id       INTEGER NOT NULL REFERENCES portal_posts (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    small_file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    large_file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    caption       TEXT NOT NULL DEFAULT '',
    alt           TEXT NOT NULL,
    PRIMARY KEY (post_id, position)
);
CREATE INDEX portal_photos_small ON portal_post_photos (small_file_id);
CREATE INDEX portal_photos_large ON portal_post_photos (large_file_id);

-- The search index: each post's stemmed words (the hoax analyser's) with a weight (title words
-- count three times). Ranked BM25-style at query time.
CREATE TABLE portal_terms (
    post_id INTEGER NOT NULL REFERENCES portal_posts (id) ON DELETE CASCADE,
    term    TEXT NOT NULL,
    weight  INTEGER NOT NULL,
    PRIMARY KEY (term, post_id)
);
CREATE INDEX portal_terms_post ON portal_terms (post_id);

-- A KIM re-sharing another region's post on its page, credited.
CREATE TABLE portal_reshares (
    post_id    INTEGER NOT NULL REFERENCES portal_posts (id) ON DELETE CASCADE,
    kim_id     INTEGER NOT NULL REFERENCES kims (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, kim_id)
);
CREATE INDEX portal_reshares_kim ON portal_reshares (kim_id, created_at);

-- Reports from readers ("this post is wrong / offensive").
CREATE TABLE portal_reports (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES portal_posts (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    resolved   BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX portal_reports_open ON portal_reports (resolved, post_id);

-- KIMs the kabupaten/kota office trusts to publish without review (the per-office setting).
CREATE TABLE portal_trusted_kims (
    kim_id     INTEGER PRIMARY KEY REFERENCES kims (id) ON DELETE CASCADE,
    set_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

-- A citizen's aspiration (complaint, proposal, question). `code`: the unguessable tracking
-- code. `contact_sealed`: the citizen's contact, encrypted with the field cipher (visible to
-- the handling office only). `office_code`: the region of the responsible office.
CREATE TABLE aspirations (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    category       TEXT NOT NULL,
    description    TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    regency_code   TEXT NOT NULL,
    office_code    TEXT NOT NULL,
    contact_sealed TEXT NOT NULL DEFAULT '',
    kim_id         INTEGER REFERENCES kims (id) ON DELETE SET NULL,
    submitted_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status         TEXT NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    due_at         TEXT NOT NULL,
    escalated      BOOLEAN NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    answered_at    TEXT,
    updated_at     TEXT NOT NULL
);
CREATE INDEX aspirations_office ON aspirations (office_code, status);
CREATE INDEX aspirations_due ON aspirations (status, due_at);

CREATE TABLE aspiration_photos (
    aspiration_id INTEGER NOT NULL REFERENCES aspirations (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    file_id       INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    PRIMARY KEY (aspiration_id, position)
);

-- What happened to an aspiration, as the citizen's tracking page shows it.
CREATE TABLE aspiration_events (
    id            INTEGER PRIMARY KEY,
    aspiration_id INTEGER NOT NULL REFERENCES aspirations (id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    office_code   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX aspiration_events_of ON aspiration_events (aspiration_id, id);

-- Routing rules: aspirations of `category` (empty: any) from inside `region_code` go to the
-- office of `office_code`, answered within `target_days`. The most specific region wins.
CREATE TABLE aspiration_routes (
    id          INTEGER PRIMARY KEY,
    category    TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL,
    office_code TEXT NOT NULL,
    target_days INTEGER NOT NULL DEFAULT 7,
    created_at  TEXT NOT NULL
);
