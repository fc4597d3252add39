-- Certificate authority: the CAs and service identities kyso runs, the
-- certificates it issued, the CRLs it published, and the registration
-- requests that lead to issuance and revocation.

-- +goose Up
-- kind: root, issuing, ocsp, tsa. key_uri says where the signer lives
-- (file:… encrypted at rest, or pkcs11:…); the key itself is never here.
CREATE TABLE ca_identities (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    issuer_id   TEXT REFERENCES ca_identities(id),
    key_uri     TEXT NOT NULL,
    cert_der    BYTEA NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    crl_number  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);

-- status: active, suspended (certificateHold), revoked. serial is lowercase hex.
CREATE TABLE certificates (
    serial             TEXT PRIMARY KEY,
    issuer_id          TEXT NOT NULL REFERENCES ca_identities(id),
    profile            TEXT NOT NULL,
    subject            TEXT NOT NULL,
    common_name        TEXT NOT NULL,
    agency_id          TEXT REFERENCES agencies(id),
    user_id            TEXT REFERENCES users(id),
    not_before         BIGINT NOT NULL,
    not_after          BIGINT NOT NULL,
    status             TEXT NOT NULL,
    revoked_at         BIGINT NOT NULL DEFAULT 0,
    revocation_reason  INTEGER NOT NULL DEFAULT 0,
    key_uri            TEXT NOT NULL DEFAULT '',
    request_id         TEXT NOT NULL DEFAULT '',
    sha256             TEXT NOT NULL,
    der                BYTEA NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX certificates_issuer_status ON certificates (issuer_id, status);
CREATE INDEX certificates_agency_status ON certificates (agency_id, status);
CREATE INDEX certificates_user ON certificates (user_id);
CREATE INDEX certificates_not_after ON certificates (not_after);

-- The newest CRL per CA, so that every node serves the same bytes.
CREATE TABLE crls (
    issuer_id    TEXT PRIMARY KEY REFERENCES ca_identities(id),
    number       BIGINT NOT NULL,
    this_update  BIGINT NOT NULL,
    next_update  BIGINT NOT NULL,
    der          BYTEA NOT NULL
);

-- Registration requests ("đề nghị"): filed by an agency's certificate
-- manager, decided by the province's approver. kind: new, renew, revoke,
-- suspend, resume, change. status: pending, done, rejected.
CREATE TABLE cert_requests (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    agency_path      TEXT NOT NULL,
    profile          TEXT NOT NULL DEFAULT '',
    subject_user_id  TEXT REFERENCES users(id),
    target_serial    TEXT NOT NULL DEFAULT '',
    csr_der          BYTEA,
    key_mode         TEXT NOT NULL DEFAULT 'csr',
    reason           TEXT NOT NULL DEFAULT '',
    details          TEXT NOT NULL DEFAULT '{}',
    note             TEXT NOT NULL DEFAULT '',
    requested_by     TEXT NOT NULL,
    requested_name   TEXT NOT NULL,
    requested_at     BIGINT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_name     TEXT NOT NULL DEFAULT '',
    decided_at       BIGINT NOT NULL DEFAULT 0,
    decision_note    TEXT NOT NULL DEFAULT '',
    result_serial    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cert_requests_status ON cert_requests (status, agency_path);

-- +goose Down
DROP TABLE cert_requests;
DROP TABLE crls;
DROP TABLE certificates;
DROP TABLE ca_identities;
