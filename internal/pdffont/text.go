package pdffont

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// glyphRune is one glyph to draw and the character it stands for (used
// for the ToUnicode CMap).
type glyphRune struct {
	gid uint16
	r   rune
}

// glyphs maps text to glyphs. Text is NFC-normalised first, because
// Vietnamese arrives both precomposed and decomposed (macOS file names,
// some keyboards) and the font maps each precomposed letter to one glyph,
// so one glyph per character needs no shaping (no GSUB/GPOS).
//
// A character the font lacks in NFC form is tried as its canonical
// decomposition (base + combining marks), provided the font has every
// part: combining marks in TrueType fonts are zero-advance glyphs drawn
// over the preceding base. This only triggers for characters outside
// Vietnamese (Liberation Serif has every precomposed Vietnamese letter),
// e.g. U+226E '≮' becomes '<' + U+0338.
//
// With strict set, a character with no glyph is a *MissingGlyphError;
// otherwise it is mapped to .notdef (glyph 0), for measuring.
func (f *Font) glyphs(s string, strict bool) ([]glyphRune, error) {
	if !utf8.ValidString(s) {
		if strict {
			return nil, ErrInvalidUTF8
		}
		s = string([]rune(s)) // invalid bytes become U+FFFD
	}
	s = norm.NFC.String(s)
	out := make([]glyphRune, 0, len(s))
	for _, r := range s {
		g, err := f.glyphIndex(r)
		if err != nil {
			return nil, err
		}
		if g != 0 {
			out = append(out, glyphRune{g, r})
			continue
		}
		if parts, ok := f.decomposed(r); ok {
			out = append(out, parts...)
			continue
		}
		if strict {
			return nil, &MissingGlyphError{Font: f.psName, Rune: r}
		}
		out = append(out, glyphRune{0, r})
	}
	return out, nil
}

// decomposed returns the glyphs of r's canonical decomposition if the
// font has all of them.
func (f *Font) decomposed(r rune) ([]glyphRune, bool) {
	var buf [utf8.UTFMax]byte
	src := buf[:utf8.EncodeRune(buf[:], r)]
	if norm.NFD.IsNormal(src) {
		return nil, false // no decomposition
	}
	var parts []glyphRune
	for _, p := range norm.NFD.String(string(src)) {
		g, err := f.glyphIndex(p)
		if err != nil || g == 0 {
			return nil, false
		}
		parts = append(parts, glyphRune{g, p})
	}
	return parts, true
}

// Encode returns s as 2-byte big-endian glyph IDs, the character codes of
// a Type0 font with /Encoding /Identity-H whose CIDFontType2 has
// /CIDToGIDMap /Identity (ISO 32000-1 §9.7.4.2, §9.7.5.2): CID = glyph
// ID. The bytes go into a Tj/TJ string, best written in hex. A character
// without a glyph is an error (*MissingGlyphError, matching
// ErrMissingGlyph); nothing is dropped.
func (f *Font) Encode(s string) ([]byte, error) {
	gs, err := f.glyphs(s, true)
	if err != nil {
		return nil, err // already names the font and the character
	}
	return encodeGlyphs(gs), nil
}

func encodeGlyphs(gs []glyphRune) []byte {
	b := make([]byte, 2*len(gs))
	for i, g := range gs {
		b[2*i], b[2*i+1] = byte(g.gid>>8), byte(g.gid)
	}
	return b
}

// Width returns the advance of s in points at the given font size. It
// sums the rounded 1/1000 em widths that Subset.Widths puts in /W, so the
// measure equals what a viewer advances (no kerning: PDF text shown with
// Tj gets none). Characters the font lacks count as .notdef; Encode is the
// one that reports them.
func (f *Font) Width(s string, size float64) float64 {
	return float64(f.units(s)) * size / 1000
}

// units returns the advance of s in 1/1000 em.
func (f *Font) units(s string) int {
	gs, _ := f.glyphs(s, false)
	total := 0
	for _, g := range gs {
		total += f.w1000[g.gid]
	}
	return total
}
