package store

// The full-text index of documents (package docs/search). Its SQL differs by
// engine: an FTS5 virtual table on SQLite, tsvector columns with GIN indexes
// on PostgreSQL. It lives in its own file, appended to dialectMigrations at
// init; goose's provider sorts all migrations by version, so the place in the
// slice does not matter.
func init() {
	dialectMigrations = append(dialectMigrations, searchMigration)
}

var searchMigration = dialectMigration{
	version: 6,
	sqlite: []string{
		// id is the rowid of both FTS5 tables and the sort key: minus the
		// document date in whole seconds times 2^20, minus a sequence
		// number among documents of the same second. Reading an FTS index
		// in rowid order is reading it newest first, and a date range is a
		// rowid range (see package search).
		`CREATE TABLE doc_search (
			id         INTEGER PRIMARY KEY,
			doc_id     TEXT NOT NULL UNIQUE,
			agency_id  TEXT NOT NULL,
			direction  TEXT NOT NULL,
			status     TEXT NOT NULL,
			type_code  TEXT NOT NULL,
			doc_date   BIGINT NOT NULL
		)`,
		`CREATE INDEX doc_search_agency ON doc_search (agency_id)`,
		// Two full-text indexes, so that neither search needs a column
		// filter (which makes FTS5 read the positions of every candidate):
		// doc_search_meta holds the folded metadata (number, symbol, type
		// name, subject, issuer, signer), doc_search_text the metadata and
		// the folded PDF text; both end with the filter values as tag
		// tokens. No stored content (only the index is kept);
		// contentless_delete lets an entry be deleted by rowid alone.
		// remove_diacritics 0 because the text is folded in Go already
		// (SQLite's folding leaves đ alone). Prefix indexes for 2 and 3
		// characters, because without them FTS5 merges the doclists of every
		// token with the prefix before returning a row (tens of milliseconds
		// per query for "th*" at a million documents); longer prefixes are
		// expanded from doc_search_terms.
		`CREATE VIRTUAL TABLE doc_search_meta USING fts5(
			meta,
			content = '',
			contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 0',
			prefix = '2 3'
		)`,
		`CREATE VIRTUAL TABLE doc_search_text USING fts5(
			text,
			content = '',
			contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 0',
			prefix = '2 3'
		)`,
		// Every token of 4 or more characters ever indexed in meta or
		// body, so that a longer prefix becomes an OR of the few tokens
		// that have it, which FTS5 reads newest first and stops, instead of
		// merging their doclists whole. Tokens of removed documents stay;
		// they only cost an empty doclist.
		`CREATE TABLE doc_search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID`,
	},
	sqliteDown: []string{
		`DROP TABLE doc_search_terms`,
		`DROP TABLE doc_search_text`,
		`DROP TABLE doc_search_meta`,
		`DROP TABLE doc_search`,
	},
	postgres: []string{
		// meta_tsv: the metadata tokens; all_tsv: metadata and body. Both
		// are built in Go as tsvector literals from Go-folded tokens, and
		// both end with the filter values as tag lexemes (as on SQLite), so
		// that one GIN scan intersects the words with the agencies, types,
		// direction and status, and hold prefix lexemes for the first two
		// and three characters of each word, which stand in for SQLite's
		// prefix indexes when a prefix has too many terms to expand
		// (package search, postgres.go).
		`CREATE TABLE doc_search (
			doc_id     TEXT PRIMARY KEY,
			agency_id  TEXT NOT NULL,
			direction  TEXT NOT NULL,
			status     TEXT NOT NULL,
			type_code  TEXT NOT NULL,
			doc_date   BIGINT NOT NULL,
			meta_tsv   TSVECTOR NOT NULL,
			all_tsv    TSVECTOR NOT NULL
		)`,
		`CREATE INDEX doc_search_meta_tsv ON doc_search USING GIN (meta_tsv)`,
		`CREATE INDEX doc_search_all_tsv ON doc_search USING GIN (all_tsv)`,
		`CREATE INDEX doc_search_date ON doc_search (doc_date, doc_id) INCLUDE (agency_id, type_code, direction, status)`,
		`CREATE INDEX doc_search_agency_date ON doc_search (agency_id, doc_date, doc_id) INCLUDE (type_code, direction, status)`,
		// Every term of 2 or more characters ever indexed, so that a prefix
		// being typed becomes an OR of the few terms that have it, which GIN
		// reads lazily, instead of 'pre':*, for which GIN first builds a
		// bitmap of every document with any such term. Terms of removed
		// documents stay; they only cost an empty posting list. COLLATE "C"
		// so that a prefix is a range of bytes.
		`CREATE TABLE doc_search_terms (term TEXT COLLATE "C" PRIMARY KEY)`,
	},
	postgresDown: []string{
		`DROP TABLE doc_search_terms`,
		`DROP TABLE doc_search`,
	},
}
