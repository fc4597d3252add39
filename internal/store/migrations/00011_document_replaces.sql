-- A document issued to replace one issued before (văn bản thay thế): the
-- replaced document is withdrawn at its recipients when the replacement is
-- issued, and the edXML package of the replacement names it
-- (Bussiness/ReplacementInfoList). Written once for SQLite and PostgreSQL.

-- +goose Up
ALTER TABLE documents ADD COLUMN replaces TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE documents DROP COLUMN replaces;
