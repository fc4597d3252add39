// Package search is the full-text index of documents ("văn bản"): their
// number, symbol, subject and the text of their PDFs, searched without regard
// to diacritics, so that "ky so" finds "ký số" and "Quyet dinh 05" finds
// "Quyết định số 05/QĐ-UBND".
//
// # The index
//
// The index is its own tables, keyed by document id, which the documents
// package keeps up to date from inside its own transactions: Index inserts or
// replaces a document's entry, Remove deletes it. Nothing here references a
// documents table, so the index can be dropped and rebuilt from the documents
// at any time (which is also what a change to textnorm.Fold requires).
//
// Text is folded in Go with textnorm.Fold (NFD, marks dropped, đ→d,
// lowercase) and cut into tokens (runs of letters and digits) before it
// reaches either database, and queries go through the same steps. Neither
// engine's own diacritic handling is used: SQLite's remove_diacritics leaves
// đ alone, and PostgreSQL's unaccent and parsers differ by version and
// configuration. So the two engines see the same tokens and return the same
// documents.
//
//   - SQLite (the embedded default): an FTS5 table without stored content
//     (no stored content, contentless_delete=1) beside a small table of filter
//     columns. Its rowid is not arbitrary: it is the document date in seconds
//     times 2^20 plus a sequence number, negated, so that walking the
//     full-text index in ascending rowid order (which FTS5 does two to three
//     times faster than descending) is walking it newest first, and a date
//     range is a rowid range. Two FTS5 tables, the metadata alone and the
//     metadata with the body, so that no search needs a column filter
//     (which makes FTS5 read the positions of every candidate). Agency,
//     type, direction and status are indexed as tag tokens (U+E000 and a
//     letter, which no word can be), so that FTS5 intersects them with the
//     words instead of SQLite checking them row by row. The last word typed
//     is a prefix: two or three characters use FTS5's prefix indexes,
//     longer ones become an OR of the indexed tokens that start with them
//     (kept in doc_search_terms), because FTS5 would otherwise merge the
//     doclists of all those tokens before returning the first row.
//   - PostgreSQL (scale-out): two tsvector columns (the metadata alone, and
//     metadata plus body) with GIN indexes, built in Go as tsvector literals,
//     so that PostgreSQL's text parser (which would read "05/QĐ-UBND" as a
//     file path) is never involved; the filter values are lexemes too, and
//     B-tree indexes on (doc_date, doc_id) and (agency_id, doc_date, doc_id)
//     cover the filters. The planner does not choose: a search first walks
//     the newest documents the filters keep (a thousand at most) checking
//     each against the words, which answers common words at once; only when
//     that page is short does it ask GIN for the words and tags and sort the
//     few matches, which answers rare words. The last word typed is a
//     prefix: for GIN it becomes an OR of the indexed terms that start with
//     it (kept in doc_search_terms, as on SQLite) when there are at most 32
//     of them; beyond, it becomes a prefix lexeme (U+E000, 'p' and the first
//     two or three characters, added to the tsvectors beside every word of
//     three or more characters, as SQLite's prefix indexes), which finds a
//     few more documents than the prefix, and the rows are then checked
//     against the prefix as typed. So "QĐ-UB1", whose "ub1" starts a hundred
//     terms, is still one GIN intersection of a few lists.

// # Ordering
//
// Results come in two tiers: first the documents where every search word is
// in the metadata (number, symbol, type, subject, issuer, signer), then those
// where some word is only in the body; inside each tier, newest first. Both
// engines can produce this order by reading the index newest first and
// stopping after one page, whatever the number of matches. Ranking by BM25
// or ts_rank would have to score every match of a common word before
// returning the first page, which costs hundreds of milliseconds per query
// at a million documents; for official documents, where a user looks for a
// decision by its number and subject, the two tiers and the date carry most
// of what such a score would add.
//
// # Visibility
//
// Search never decides who may see what: the caller passes the set of
// agencies whose documents the user may read (Query.AgencyIDs), or
// AllAgencies for users who may read everything. A document of any other
// agency is never returned, and an empty set returns nothing.
//
// # PDF text
//
// ExtractText pulls the text layer out of a PDF for Entry.Body. It runs the
// third-party reader github.com/ledongthuc/pdf under a size limit, a time
// limit, a limit on the text kept and a recover, because the PDFs come from
// outside; the reader's content interpreter, which can spin forever on a
// hostile stream, is replaced by a lexer of our own, and what else of it
// could spin is checked before it runs. A PDF without usable text (a scan,
// fonts without a Unicode map) gives ErrNoText; the caller then indexes the
// metadata only.
//
// # Upkeep
//
// Optimize merges SQLite's full-text segments (and runs VACUUM ANALYZE on
// PostgreSQL); run it from a background job after bulk loads and
// periodically.
package search
