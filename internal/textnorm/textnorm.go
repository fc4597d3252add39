// Package textnorm is kyso's one normalisation rule for Vietnamese text:
// NFC for everything stored and shown, and a search fold shared by indexing
// and querying on both database engines.
package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode Normalization Form C.
func NFC(s string) string { return norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")) }

// IsNFC reports whether s is already in NFC.
func IsNFC(s string) bool { return norm.NFC.IsNormalString(s) }

// Fold maps s to its search form: no diacritics, đ→d, lower case, single
// spaces. "Quyết định" and "quyet dinh" fold alike.
func Fold(s string) string {
	d := norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Clean prepares a user-entered single-line field: NFC, no control
// characters, single spaces, trimmed.
func Clean(s string) string {
	s = NFC(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
