// Package textnorm is the single place where Vietnamese (and any other)
// text is normalised, so that what is stored, indexed and queried agrees
// byte for byte across SQLite and PostgreSQL.
//
// Text is stored in NFC (NFC, Clean). Search keys are made by Fold, applied
// in Go to both the indexed text and the query; neither database's collation,
// unaccent or lower() is relied on, because they differ between engines and
// versions. Changing Fold changes every search key, so existing indexes must
// then be rebuilt.
package textnorm
