-- Simpul foundation schema (SQLite). Kept in step with ../postgres/0001_foundation.sql:
-- same tables, same columns, engine-native types. Timestamps are written by the application.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    parent_code TEXT,
    level       INTEGER NOT NULL,
    name        TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code, name);

CREATE TABLE coordination_groups (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES regions (code),
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (province_code, name)
);

CREATE TABLE coordination_group_members (
    group_id     INTEGER NOT NULL REFERENCES coordination_groups (id) ON DELETE CASCADE,
    regency_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (group_id, regency_code),
    -- A kabupaten/kota is coordinated by one office.
    UNIQUE (regency_code)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT 'id',
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE role_grants (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    scope_kind  TEXT NOT NULL,
    scope_ref   TEXT NOT NULL,
    -- The region the grant lives in (province of a group, village of a KIM); NULL = national.
    region_code TEXT,
    granted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (user_id, role, scope_kind, scope_ref)
);
CREATE INDEX role_grants_region ON role_grants (region_code);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- Outgoing mail: written in the same transaction as the change that causes it, delivered by a
-- worker (SMTP) or held for admins to read when no SMTP server is configured.
CREATE TABLE outbox_mail (
    id           INTEGER PRIMARY KEY,
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    region_code  TEXT,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    locked_until TEXT,
    created_at   TEXT NOT NULL,
    sent_at      TEXT
);
CREATE INDEX outbox_mail_status ON outbox_mail (status, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    region_code TEXT,
    summary     TEXT NOT NULL,
    request_id  TEXT,
    ip          TEXT
);
CREATE INDEX audit_log_region ON audit_log (region_code, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: the database itself refuses to change history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
