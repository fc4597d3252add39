-- Inter-agency exchange (edXML over the exchange axis, "trục liên thông"):
-- the outbox of packages waiting to leave this deployment, the inbox of
-- packages that arrived, and the axis's own store and rejection log (an axis
-- runs on its own database, so its tables are empty on a kyso node and the
-- node's are empty on an axis). The code that uses these tables is
-- internal/exchange/outbox, internal/exchange/inbox and
-- internal/exchange/axis. Written once for SQLite and PostgreSQL.

-- +goose Up
-- One row per package and receiver: a document addressed to three agencies
-- elsewhere is one signed package (one message_id) queued three times, so
-- the key that makes a second Enqueue a no-op is (message_id, to_code).
-- kind: document, status. status: pending, delivered, failed.
-- next_attempt_at is when the row is next due; claimed_until is the lease
-- of the worker that took it (0: nobody), so a worker that dies mid-delivery
-- strands nothing: the row is due again when its lease runs out.
-- claim_token lets only the holder of the current lease record the outcome.
CREATE TABLE exchange_outbox (
    id               TEXT PRIMARY KEY,
    message_id       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_code        TEXT NOT NULL,
    to_code          TEXT NOT NULL,
    body             BYTEA NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT NOT NULL DEFAULT 0,
    claim_token      TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (message_id, to_code)
);
CREATE INDEX exchange_outbox_due ON exchange_outbox (status, next_attempt_at);

-- Packages received for the agencies this deployment hosts, once each: a
-- second delivery of (message_id, receiver_code) is acknowledged and
-- changes nothing. status: pending (not yet handed to the documents
-- domain), processed (handed over, in the transaction that set
-- processed_at), rejected (failed to parse or refused by the handler; error
-- says why and the package went nowhere else). error also keeps the last
-- handler failure of a pending row, which is retried at next_attempt_at.
CREATE TABLE exchange_inbox (
    id               TEXT PRIMARY KEY,
    message_id       TEXT NOT NULL,
    receiver_code    TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_code        TEXT NOT NULL,
    body             BYTEA NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL DEFAULT 0,
    error            TEXT NOT NULL DEFAULT '',
    received_at      BIGINT NOT NULL,
    processed_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (message_id, receiver_code)
);
CREATE INDEX exchange_inbox_due ON exchange_inbox (status, next_attempt_at);

-- The axis's store: one row per package and receiver, verified before it
-- was written. acked_at is 0 until the receiver acknowledged it; unacked
-- rows are what a receiver's poll returns.
CREATE TABLE axis_packages (
    id          TEXT PRIMARY KEY,
    message_id  TEXT NOT NULL,
    from_code   TEXT NOT NULL,
    to_code     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    body        BYTEA NOT NULL,
    stored_at   BIGINT NOT NULL,
    acked_at    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (message_id, to_code)
);
CREATE INDEX axis_packages_pending ON axis_packages (to_code, acked_at, stored_at);

-- Submissions the axis refused: who sent what (the body's size and
-- SHA-256, never the body: a hostile package is kept nowhere) and why.
-- reason is a stable code (too_large, dtd, malformed, unsigned,
-- bad_signature, invalid, wrong_sender, wrong_signer, not_addressed,
-- conflict); detail is the parser's explanation.
CREATE TABLE axis_rejections (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    client_code  TEXT NOT NULL,
    message_id   TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL
);
CREATE INDEX axis_rejections_at ON axis_rejections (at);

-- +goose Down
DROP TABLE axis_rejections;
DROP TABLE axis_packages;
DROP TABLE exchange_inbox;
DROP TABLE exchange_outbox;
