// Package store owns the database: opening SQLite (the embedded default) or
// PostgreSQL (scale-out), applying the versioned migrations, and running
// queries that are written once for both engines.
//
// Queries use '?' placeholders; for PostgreSQL they are rewritten to $1, $2…
// Everything else is kept to the SQL both engines share: TEXT, BIGINT,
// BOOLEAN and BYTEA columns, INSERT … ON CONFLICT, RETURNING. Times are stored
// as BIGINT microseconds since the Unix epoch in UTC (see Micros), which
// compares, sorts and round-trips identically on both engines.
//
// Domain packages (org, auth, audit, …) keep their own queries and call the
// Querier interface, so that one transaction can span several of them.
package store
