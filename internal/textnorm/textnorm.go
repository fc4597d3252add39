package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode Normalization Form C, the form all stored text
// is kept in. Each invalid UTF-8 byte becomes U+FFFD, so the result can
// always be stored: PostgreSQL rejects invalid UTF-8 in text columns.
func NFC(s string) string {
	return norm.NFC.String(validUTF8(s))
}

// IsNFC reports whether s is valid UTF-8 in Normalization Form C, that is,
// whether NFC(s) == s.
func IsNFC(s string) bool {
	return utf8.ValidString(s) && norm.NFC.IsNormalString(s)
}

// validUTF8 replaces each invalid byte with U+FFFD, as ranging over a string
// does, so that NFC, Clean and Fold treat bad input alike and
// Fold(NFC(s)) == Fold(s).
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*utf8.UTFMax)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// Clean tidies a user-entered single-line field: invalid UTF-8 becomes
// U+FFFD, control characters are dropped, whitespace (including tabs and line
// breaks) collapses to single spaces, the ends are trimmed and the result is
// NFC.
func Clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	w := spaceWriter{b: &b}
	for _, r := range s { // range yields U+FFFD for each invalid byte
		switch {
		case unicode.IsSpace(r):
			// Before the control check: tab, CR and LF are both, and a line
			// break pasted between two words must not join them.
			w.space()
		case unicode.IsControl(r):
		default:
			w.rune(r)
		}
	}
	// NFC last: dropping a control character can bring a base letter and a
	// combining mark together, which only composes afterwards.
	return norm.NFC.String(b.String())
}

// spaceWriter collapses whitespace: a space is written only once a
// non-space follows it, which also trims both ends.
type spaceWriter struct {
	b       *strings.Builder
	pending bool
}

func (w *spaceWriter) space() {
	w.pending = w.b.Len() > 0
}

func (w *spaceWriter) flush() {
	if w.pending {
		w.b.WriteByte(' ')
		w.pending = false
	}
}

func (w *spaceWriter) byte(c byte) {
	w.flush()
	w.b.WriteByte(c)
}

// ascii writes c folded: whitespace collapsed and A-Z lowercased.
func (w *spaceWriter) ascii(c byte) {
	switch {
	case asciiSpace(c):
		w.space()
	case 'A' <= c && c <= 'Z':
		w.byte(c + 'a' - 'A')
	default:
		w.byte(c)
	}
}

func (w *spaceWriter) rune(r rune) {
	w.flush()
	w.b.WriteRune(r)
}

// asciiSpace reports whether c is one of the ASCII bytes unicode.IsSpace
// accepts.
func asciiSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}
