// Package pdf reads PDF files as they come from the world and appends
// incremental updates to them, which is what signing needs: the signature
// field, widget, appearance, fonts and signature dictionary go into an
// update after the unchanged input (ISO 32000-1 §7.5.6), so that earlier
// signatures stay valid and the signed bytes are exactly the input plus the
// new objects.
//
// Reading. Open follows the cross-reference chain from the last startxref
// through every /Prev: classic tables (§7.5.4), cross-reference streams
// (§7.5.8), hybrid files (§7.5.8.4), object streams (§7.5.7), linearized
// files (Annex F) and files with earlier updates, signed or not. It reads
// the header, the sections, the catalog and the page tree; every other
// object is read through io.ReaderAt when asked for (Resolve), so the file
// is never held in memory. Revisions reports where each revision ends (the
// byte after its "%%EOF"), which a validator compares with signature byte
// ranges. Encrypted files are refused with ErrEncrypted: kyso does not sign
// them. Common producer faults are tolerated as viewers tolerate them (a
// wrong stream /Length, a first xref subsection numbered from 1, a missing
// "endobj", a broken /Prev behind a readable newest revision); a file whose
// newest cross-reference section cannot be read is ErrDamaged.
//
// Why our own parser and not pdfcpu (which the team notes recommend)?
// pdfcpu's reader loads and dereferences every object of the file into
// memory, "repairs" what it reads, and does not expose the byte offsets of
// revisions or which kind of cross-reference section each one used; an
// incremental writer needs exactly those, and the validator needs the
// revision boundaries. Besides, importing any pdfcpu package (even
// pkg/filter) needs golang.org/x/image and other modules that go.sum does
// not list, and this package may not change go.mod. The parser here is
// small, fuzzed, and keeps to the standard library.
//
// Writing. NewUpdate starts an update; Add and Reserve allocate object
// numbers from the trailer's /Size, Replace gives existing objects new
// versions, and WriteTo writes the objects and a cross-reference section of
// the same kind as the last revision's, with /Prev, the carried-over
// trailer entries and a new second /ID element. WriteDocument writes input
// and update in one go, streaming the input. Objects are serialized
// deterministically (sorted keys, reals without exponent); TextString
// encodes Vietnamese text as UTF-16BE.
//
// Signing support (§12.8.1). A ContentsPlaceholder and a
// ByteRangePlaceholder inside a signature dictionary reserve room for the
// CMS and the byte range; after WriteTo, Placeholders gives their absolute
// offsets, PlaceholderPos encodes the values, Patch writes them in place
// and ByteRangeReader streams the signed bytes for hashing.
//
// The boundary. This package knows PDF syntax and file structure only. It
// does not build signature dictionaries, appearances or fonts, compute
// digests or CMS (package pades does), judge signatures or what changed
// between revisions (the validator does), decrypt, or rewrite a file.
package pdf
