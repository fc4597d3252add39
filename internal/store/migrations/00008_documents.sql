-- Documents and work records (Decree 30/2020/NĐ-CP): outgoing documents
-- from draft to issue, incoming documents from receipt to completion, their
-- files (every version kept), reviews, assignments, timelines, work
-- records and notifications. The code that uses these tables is
-- internal/docs. Written once for SQLite and PostgreSQL.

-- +goose Up
-- direction: out (văn bản đi) or in (văn bản đến). status, outgoing:
-- draft, in_review, returned, approved, signed, issuing, issued; incoming:
-- received, registered, assigned, completed, rejected. urgency: normal,
-- urgent (khẩn), very_urgent (thượng khẩn), flash (hỏa tốc).
-- confidentiality: normal, confidential (mật), secret (tối mật),
-- top_secret (tuyệt mật). number/symbol/issued_at are set when the clerk
-- issues (outgoing) or copied from the sender (incoming); in_number is the
-- incoming register's number. source_id ties an incoming document to the
-- outgoing one or package it came from: one incoming document per source
-- and agency, whatever happens to deliveries. source_doc is the sender's
-- own id of the document (edXML DocumentId), which status messages quote.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    direction        TEXT NOT NULL,
    status           TEXT NOT NULL,
    type_code        TEXT NOT NULL REFERENCES doc_types(code),
    subject          TEXT NOT NULL,
    urgency          TEXT NOT NULL DEFAULT 'normal',
    confidentiality  TEXT NOT NULL DEFAULT 'normal',
    department_id    TEXT REFERENCES departments(id),
    created_by       TEXT REFERENCES users(id),
    signer_id        TEXT REFERENCES users(id),
    number           INTEGER NOT NULL DEFAULT 0,
    symbol           TEXT NOT NULL DEFAULT '',
    register_id      TEXT NOT NULL DEFAULT '',
    issued_at        BIGINT NOT NULL DEFAULT 0,
    in_number        INTEGER NOT NULL DEFAULT 0,
    in_register_id   TEXT NOT NULL DEFAULT '',
    received_at      BIGINT NOT NULL DEFAULT 0,
    sender_name      TEXT NOT NULL DEFAULT '',
    sender_code      TEXT NOT NULL DEFAULT '',
    source_id        TEXT NOT NULL DEFAULT '',
    source_doc       TEXT NOT NULL DEFAULT '',
    deadline         BIGINT NOT NULL DEFAULT 0,
    completed_at     BIGINT NOT NULL DEFAULT 0,
    electronic       BOOLEAN NOT NULL DEFAULT TRUE,
    signed_digitally BOOLEAN NOT NULL DEFAULT FALSE,
    validation       TEXT NOT NULL DEFAULT '',
    validation_ok    BOOLEAN NOT NULL DEFAULT FALSE,
    reply_to         TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX documents_agency_status ON documents (agency_id, direction, status);
CREATE INDEX documents_agency_issued ON documents (agency_id, issued_at);
-- Decree 30 App. VI: (number, symbol, issuing agency) is unique.
CREATE UNIQUE INDEX documents_symbol ON documents (agency_id, register_id, number) WHERE number > 0 AND direction = 'out';
CREATE UNIQUE INDEX documents_in_number ON documents (agency_id, in_register_id, in_number) WHERE in_number > 0;
CREATE UNIQUE INDEX documents_source ON documents (agency_id, source_id) WHERE source_id <> '';

-- Every file a document had, in order; blob is the SHA-256 of the content
-- in the blob store. kind: draft, signed (the leader's), issued (numbered
-- and sealed), received, attachment.
CREATE TABLE document_versions (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    blob         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_by   TEXT REFERENCES users(id),
    note         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (document_id, seq)
);

-- Review rounds: status pending, approved, returned.
CREATE TABLE document_reviews (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    round        INTEGER NOT NULL,
    reviewer_id  TEXT NOT NULL REFERENCES users(id),
    status       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    decided_at   BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX document_reviews_reviewer ON document_reviews (reviewer_id, status);

-- Recipients of an outgoing document: another agency of this deployment
-- (agency_id) or elsewhere (organ_code); status is the latest status
-- message (received, registered, assigned, completed, rejected, …).
CREATE TABLE document_recipients (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    agency_id    TEXT REFERENCES agencies(id),
    organ_code   TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX document_recipients_doc ON document_recipients (document_id);

-- Assignments of incoming documents (bút phê) and their sub-tasks: to a
-- person, or to a department. role: main (chủ trì), cooperate (phối hợp),
-- info (để biết). status: open, done.
CREATE TABLE document_assignments (
    id             TEXT PRIMARY KEY,
    document_id    TEXT NOT NULL REFERENCES documents(id),
    parent_id      TEXT NOT NULL DEFAULT '',
    assignee_id    TEXT REFERENCES users(id),
    department_id  TEXT REFERENCES departments(id),
    role           TEXT NOT NULL DEFAULT 'main',
    instructions   TEXT NOT NULL DEFAULT '',
    deadline       BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'open',
    created_by     TEXT REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    completed_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX document_assignments_assignee ON document_assignments (assignee_id, status);

-- The timeline of a document: every step, comment and status message.
CREATE TABLE document_events (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    at           BIGINT NOT NULL,
    actor_id     TEXT REFERENCES users(id),
    actor_name   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_events_doc ON document_events (document_id, at);

-- Work records (hồ sơ công việc): status open, closed.
CREATE TABLE work_records (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    code             TEXT NOT NULL,
    title            TEXT NOT NULL,
    retention_years  INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'open',
    created_by       TEXT REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    closed_at        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (agency_id, code)
);
CREATE TABLE work_record_documents (
    record_id    TEXT NOT NULL REFERENCES work_records(id),
    document_id  TEXT NOT NULL REFERENCES documents(id),
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (record_id, document_id)
);

-- In-app notifications; e-mail follows when SMTP is configured.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    document_id  TEXT REFERENCES documents(id),
    message_key  TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    read_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE work_record_documents;
DROP TABLE work_records;
DROP TABLE document_events;
DROP TABLE document_assignments;
DROP TABLE document_recipients;
DROP TABLE document_reviews;
DROP TABLE document_versions;
DROP TABLE documents;
