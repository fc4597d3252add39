package pdffont

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// FuzzEncode checks that no text makes the package panic, and the
// invariants that hold for any text: NFD and NFC encode alike, errors are
// the documented ones, widths are finite, wrapping keeps every word, and a
// subset of whatever encodes is a parseable font.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{textName, textTitle, textAgency, textTime, "", " ", "中", "😀", "≮",
		"a\u0301\u0323", "\u0301", "e\u0302\u0303", "ab\xffc", "\x00", "\ufeff", "x\u00a0y", "line\nbreak"} {
		f.Add(s, 11.0, 100.0)
	}
	font := LiberationSerif()
	f.Fuzz(func(t *testing.T, s string, size, maxWidth float64) {
		enc, err := font.Encode(s)
		if err != nil {
			if !errors.Is(err, ErrMissingGlyph) && !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("Encode(%q): unexpected error %v", s, err)
			}
		} else {
			if len(enc)%2 != 0 {
				t.Fatalf("Encode(%q) = odd length %d", s, len(enc))
			}
			for i := 0; i < len(enc); i += 2 {
				if g := int(enc[i])<<8 | int(enc[i+1]); g == 0 || g >= font.NumGlyphs() {
					t.Fatalf("Encode(%q) has glyph %d", s, g)
				}
			}
			nfd, err := font.Encode(norm.NFD.String(s))
			if err != nil || !bytes.Equal(nfd, enc) {
				t.Fatalf("Encode(NFD %q) = %x, %v; NFC gave %x", s, nfd, err, enc)
			}
			sub := font.NewSubset()
			if err := sub.Add(s); err != nil {
				t.Fatalf("Add(%q) = %v after Encode succeeded", s, err)
			}
			ff, err := sub.FontFile2()
			if err != nil {
				t.Fatalf("FontFile2 after Add(%q): %v", s, err)
			}
			if _, err := sfnt.Parse(ff); err != nil {
				t.Fatalf("subset for %q does not parse: %v", s, err)
			}
			_ = sub.ToUnicodeCMap()
			_ = sub.Widths()
		}
		if w := font.Width(s, 12); w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			t.Fatalf("Width(%q) = %v", s, w)
		}
		lines := font.Wrap(s, size, maxWidth)
		var want []string
		for _, w := range strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool { return r == ' ' || r == '\n' || r == '\r' }) {
			want = append(want, w)
		}
		var got []string
		for _, l := range lines {
			got = append(got, strings.FieldsFunc(l, func(r rune) bool { return r == ' ' })...)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") && utf8Valid(s) {
			t.Fatalf("Wrap(%q) = %q lost or changed words", s, lines)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }
