package textnorm

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the search key for s: NFD, combining marks (Mn) removed, đ/Đ
// mapped to d, lowercase, whitespace runs collapsed to one space and trimmed.
// Invalid UTF-8 becomes U+FFFD.
//
// "Quyết định số 05/QĐ-UBND" folds to "quyet dinh so 05/qd-ubnd", so a user
// typing without diacritics still finds the document. Fold is idempotent and
// gives the same key for canonically equivalent input (NFC or NFD).
func Fold(s string) string {
	if isFoldedASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	if foldFast(&b, s) {
		return b.String()
	}
	b.Reset()
	b.Grow(len(s))
	foldNFD(&b, s)
	return b.String()
}

// foldNFD is the definition of Fold: a single pass over the NFD form of s.
// It is exact for every input but spends most of its time in the
// normaliser, so Fold only falls back to it when foldFast cannot be exact.
func foldNFD(b *strings.Builder, s string) {
	w := spaceWriter{b: b}
	// Iterate segment by segment instead of building the decomposed string:
	// Iter reuses one internal buffer.
	var it norm.Iter
	it.InitString(norm.NFD, s)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg) // an invalid byte yields U+FFFD
			seg = seg[size:]
			foldRune(&w, r)
		}
	}
}

// foldFast folds s one code point at a time, looking most of them up in a
// table, and reports false if s needs foldNFD instead.
//
// NFD is per code point decomposition followed by canonical reordering of
// runs of non-starters. Reordering cannot change the output as long as every
// non-starter is a combining mark (Mn), because those are all dropped. The
// few non-starters that are not Mn (some spacing marks in Brahmic scripts
// and musical notation) make foldFast give up.
func foldFast(b *strings.Builder, s string) bool {
	w := spaceWriter{b: b}
	tab := foldTable()
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			w.ascii(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:]) // an invalid byte yields U+FFFD
		i += size
		if int(r) < len(tab) {
			switch e := tab[r]; e {
			case entryDrop:
				continue
			case entrySpace:
				w.space()
				continue
			case entryOther:
			default:
				w.rune(rune(e))
				continue
			}
		}
		var enc [utf8.UTFMax]byte
		src := enc[:utf8.EncodeRune(enc[:], r)]
		if p := norm.NFD.Properties(src); p.Decomposition() == nil && !isHangul(r) {
			// Most code points outside the table (CJK, U+FFFD for invalid
			// bytes) are their own decomposition: skip the normaliser.
			if p.CCC() != 0 && !unicode.Is(unicode.Mn, r) {
				return false
			}
			foldRune(&w, r)
			continue
		}
		var dec [32]byte // the longest NFD of one code point is 4 runes
		d := norm.NFD.Append(dec[:0], src...)
		for len(d) > 0 {
			r, size := utf8.DecodeRune(d)
			d = d[size:]
			if !unicode.Is(unicode.Mn, r) && isNonStarter(r) {
				return false
			}
			foldRune(&w, r)
		}
	}
	return true
}

// foldRune writes the folded form of r, which comes from NFD output.
func foldRune(w *spaceWriter, r rune) {
	switch {
	case r < utf8.RuneSelf:
		w.ascii(byte(r))
	case r == 'đ' || r == 'Đ':
		// U+0111 and U+0110 are letters in their own right, not d plus a
		// mark, so NFD leaves them alone; Vietnamese readers treat them as d.
		w.byte('d')
	case unicode.Is(unicode.Mn, r):
		// Dropped without touching the space state, so "a \u0301 b" still
		// collapses to "a b".
	case unicode.IsSpace(r):
		w.space()
	default:
		l := unicode.ToLower(r)
		if l != r && !norm.NFD.IsNormalString(string(l)) {
			// A few lowercase letters decompose although their uppercase
			// does not; decompose again so that Fold(Fold(s)) == Fold(s).
			for _, d := range norm.NFD.String(string(l)) {
				foldRune(w, d)
			}
			return
		}
		w.rune(l)
	}
}

// isHangul reports whether r is a precomposed Hangul syllable, which NFD
// decomposes algorithmically rather than through Properties.Decomposition.
func isHangul(r rune) bool {
	return 0xac00 <= r && r <= 0xd7a3
}

func isNonStarter(r rune) bool {
	return norm.NFD.PropertiesString(string(r)).CCC() != 0
}

// Entries of foldTable other than a replacement rune. The zero value sends
// the code point to the general path, so a missing entry is slow, not wrong.
const (
	entryOther uint16 = 0
	entrySpace uint16 = 0xfffe
	entryDrop  uint16 = 0xffff
)

// foldTableSize covers Latin (Vietnamese included, up to U+1EFF), Greek,
// Cyrillic and the general punctuation (dashes, quotes) found in documents.
const foldTableSize = 0x2100

// foldTable maps each code point below foldTableSize to its fold, as computed
// by foldRune on its decomposition. It is built on first use (about 8,000
// code points, about a millisecond) so that importing the package costs
// nothing.
var foldTable = sync.OnceValue(func() *[foldTableSize]uint16 {
	t := new([foldTableSize]uint16)
	for r := rune(utf8.RuneSelf); r < foldTableSize; r++ {
		t[r] = foldEntry(r)
	}
	return t
})

// foldEntry returns the table entry for r, or entryOther unless r folds to at
// most one code point independently of its neighbours.
func foldEntry(r rune) uint16 {
	var kept rune
	n := 0
	for _, d := range norm.NFD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
		case isNonStarter(d):
			return entryOther
		default:
			kept = d
			n++
		}
	}
	switch {
	case n == 0:
		return entryDrop
	case n > 1:
		return entryOther
	case unicode.IsSpace(kept):
		return entrySpace
	}
	var b strings.Builder
	foldRune(&spaceWriter{b: &b}, kept)
	out := b.String()
	f, size := utf8.DecodeRuneInString(out)
	if out == "" || size != len(out) || f >= rune(entrySpace) {
		return entryOther
	}
	return uint16(f)
}

// isFoldedASCII reports whether s is ASCII that Fold would return unchanged,
// so that folding an already folded key does not allocate.
func isFoldedASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z', '\t' <= c && c <= '\r':
			return false
		case c == ' ' && s[i+1] == ' ': // s does not end in a space
			return false
		}
	}
	return true
}
