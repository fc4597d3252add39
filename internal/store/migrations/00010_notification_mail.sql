-- E-mail for notifications (when SMTP is configured): each notification
-- also remembers its e-mail's fate. The code that uses these columns is
-- internal/notify. Written once for SQLite and PostgreSQL.

-- +goose Up
-- mailed_at: when the mailer finished with the row (microseconds; 0: not
-- yet): the mail was sent (mail_error empty) or will never be (mail_error
-- says why: the user has no address, the notification was too old, or the
-- last failure once attempts ran out). mail_attempts counts sends begun;
-- it is also the claim's token, so only the latest claim records an
-- outcome. mail_next_at is when the row is next due: the end of a claim's
-- lease, or of a failure's backoff.
ALTER TABLE notifications ADD COLUMN mailed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN mail_error TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN mail_next_at BIGINT NOT NULL DEFAULT 0;
-- The due scan walks the unfinished rows from the mailer's cutoff on; the
-- partial index keeps only those, so it stays small however long the
-- history grows.
CREATE INDEX notifications_mail_due ON notifications (created_at) WHERE mailed_at = 0;

-- +goose Down
DROP INDEX notifications_mail_due;
ALTER TABLE notifications DROP COLUMN mail_next_at;
ALTER TABLE notifications DROP COLUMN mail_error;
ALTER TABLE notifications DROP COLUMN mail_attempts;
ALTER TABLE notifications DROP COLUMN mailed_at;
