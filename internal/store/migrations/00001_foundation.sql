-- Foundation schema: installation metadata, agencies, departments, users,
-- roles, sessions, API tokens and the hash-chained audit log.
-- Written once for SQLite and PostgreSQL: see package store's doc comment.

-- +goose Up
CREATE TABLE kyso_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Agencies ("cơ quan") form a tree: province → departments and districts →
-- communes. path is the materialised ancestry ("/rootID/childID/") so that a
-- subtree is one indexed prefix query.
CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES agencies(id),
    path        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);
CREATE INDEX agencies_path ON agencies (path);

-- Departments ("phòng, ban, đơn vị") inside one agency. short_name is the
-- drafting unit's abbreviation used in document symbols (…/STTTT-BCVT&CNTT).
CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (agency_id, short_name)
);

CREATE TABLE users (
    id                    TEXT PRIMARY KEY,
    agency_id             TEXT NOT NULL REFERENCES agencies(id),
    department_id         TEXT REFERENCES departments(id),
    username              TEXT NOT NULL UNIQUE,
    full_name             TEXT NOT NULL,
    title                 TEXT NOT NULL DEFAULT '',
    email                 TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    password_hash         TEXT NOT NULL,
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    left_at               BIGINT NOT NULL DEFAULT 0,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          BIGINT NOT NULL DEFAULT 0,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Sessions are keyed by the SHA-256 of the cookie's token: a copy of the
-- table does not let anyone log in.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- API tokens for other software ("Authorization: Bearer …"); hashed likewise.
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit log: append-only, each event's hash covers the previous one's.
-- audit_head holds the newest link; updating it takes a row lock on both
-- engines, which orders concurrent appends.
CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_name   TEXT NOT NULL DEFAULT '',
    agency_id    TEXT NOT NULL DEFAULT '',
    agency_path  TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_events_agency ON audit_events (agency_path, seq);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE departments;
DROP TABLE agencies;
DROP TABLE kyso_meta;
