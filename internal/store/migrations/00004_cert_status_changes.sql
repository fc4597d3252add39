-- When a certificate's status last changed, so that every kyso process
-- (another node, or the CLI revoking on the server) can tell its OCSP
-- responder to re-sign the answer at once.

-- +goose Up
ALTER TABLE certificates ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX certificates_status_changed ON certificates (status_changed_at);

-- +goose Down
DROP INDEX certificates_status_changed;
ALTER TABLE certificates DROP COLUMN status_changed_at;
