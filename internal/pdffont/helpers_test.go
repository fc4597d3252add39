package pdffont

import (
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Texts of a typical signature appearance.
const (
	textName   = "Nguyễn Thị Hằng"
	textTitle  = "Chủ tịch"
	textAgency = "Ủy ban nhân dân tỉnh Quảng Ngãi"
	textTime   = "Thời gian ký: 05/03/2026 14:30:00 +07:00"
)

// vietnameseVowels are the vowel letters; each takes five tone marks.
var vietnameseVowels = []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}

// toneMarks are the combining marks of the five marked tones (huyền, sắc,
// hỏi, ngã, nặng); "" is the level tone (ngang).
var toneMarks = []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}

// allTonedVowels returns every vowel with every tone, lowercase then
// uppercase, precomposed (NFC).
func allTonedVowels(t testing.TB) (lower, upper []string) {
	t.Helper()
	for _, v := range vietnameseVowels {
		for _, m := range toneMarks {
			l := norm.NFC.String(v + m)
			u := norm.NFC.String(upperFirst(v) + m)
			if len([]rune(l)) != 1 || len([]rune(u)) != 1 {
				t.Fatalf("%q+%q does not compose to one character", v, m)
			}
			lower, upper = append(lower, l), append(upper, u)
		}
	}
	return lower, upper
}

func upperFirst(s string) string {
	switch s {
	case "ă":
		return "Ă"
	case "â":
		return "Â"
	case "ê":
		return "Ê"
	case "ô":
		return "Ô"
	case "ơ":
		return "Ơ"
	case "ư":
		return "Ư"
	}
	return string(s[0] - 'a' + 'A')
}

// reference parses the same embedded font data with sfnt directly, as an
// independent oracle for glyph IDs and advances.
type reference struct {
	f   *sfnt.Font
	buf sfnt.Buffer
}

func newReference(t testing.TB, data []byte) *reference {
	t.Helper()
	f, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return &reference{f: f}
}

func (r *reference) glyph(t testing.TB, c rune) uint16 {
	t.Helper()
	g, err := r.f.GlyphIndex(&r.buf, c)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(g)
}

// width1000 returns glyph g's advance in 1/1000 em, rounded.
func (r *reference) width1000(t testing.TB, g uint16) int {
	t.Helper()
	upem := int(r.f.UnitsPerEm())
	adv, err := r.f.GlyphAdvance(&r.buf, sfnt.GlyphIndex(g), fixed.I(upem), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	units := float64(adv) / 64
	return int(units*1000/float64(upem) + 0.5)
}
