package pdffont

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestEncodeVietnameseLetters(t *testing.T) {
	for _, tc := range []struct {
		font *Font
		data []byte
	}{{LiberationSerif(), liberationSerifRegular}, {LiberationSerifBold(), liberationSerifBoldData}} {
		t.Run(tc.font.PostScriptName(), func(t *testing.T) {
			ref := newReference(t, tc.data)
			lower, upper := allTonedVowels(t)
			letters := append(append(lower, upper...), "đ", "Đ")
			seen := map[string]bool{}
			for _, l := range letters {
				if seen[l] {
					t.Fatalf("%q listed twice", l)
				}
				seen[l] = true
				got, err := tc.font.Encode(l)
				if err != nil {
					t.Fatalf("Encode(%q): %v", l, err)
				}
				want := ref.glyph(t, []rune(l)[0])
				if want == 0 || len(got) != 2 || binary.BigEndian.Uint16(got) != want {
					t.Errorf("Encode(%q) = %x, want one glyph %d", l, got, want)
				}
				nfd, err := tc.font.Encode(norm.NFD.String(l))
				if err != nil || !bytes.Equal(nfd, got) {
					t.Errorf("Encode(NFD %+q) = %x, %v; want %x", norm.NFD.String(l), nfd, err, got)
				}
			}
			if len(letters) != 2*12*6+2 {
				t.Fatalf("%d letters", len(letters))
			}
		})
	}
}

func TestEncodeStrings(t *testing.T) {
	f := LiberationSerif()
	ref := newReference(t, liberationSerifRegular)
	for _, s := range []string{textName, textTitle, textAgency, textTime, "ăâđêôơư ĂÂĐÊÔƠƯ"} {
		got, err := f.Encode(s)
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		var want []byte
		wantUnits := 0
		for _, r := range norm.NFC.String(s) {
			g := ref.glyph(t, r)
			if g == 0 {
				t.Fatalf("reference has no glyph for %q", r)
			}
			want = binary.BigEndian.AppendUint16(want, g)
			wantUnits += ref.width1000(t, g)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Encode(%q) = %x, want %x", s, got, want)
		}
		nfd, err := f.Encode(norm.NFD.String(s))
		if err != nil || !bytes.Equal(nfd, got) {
			t.Errorf("Encode(NFD of %q) = %x, %v; want %x", s, nfd, err, got)
		}
		for _, size := range []float64{8, 11, 12.5} {
			w := f.Width(s, size)
			if want := float64(wantUnits) * size / 1000; math.Abs(w-want) > 1e-9 {
				t.Errorf("Width(%q, %v) = %v, want %v", s, size, w, want)
			}
			if wd := f.Width(norm.NFD.String(s), size); wd != w {
				t.Errorf("Width of NFD %q = %v, NFC %v", s, wd, w)
			}
		}
	}
	// Liberation Serif has Times New Roman's widths: "Nguyễn" at 1000 pt is
	// N 722 + g 500 + u 500 + y 500 + ễ 444 + n 500.
	if w := f.Width("Nguyễn", 1000); w != 3166 {
		t.Errorf("Width(Nguyễn, 1000) = %v, want 3166", w)
	}
}

func TestEncodeMissingGlyph(t *testing.T) {
	f := LiberationSerif()
	for _, tc := range []struct {
		text string
		want rune
	}{
		{"Nguyễn 中", '中'},
		{"ký 😀", '😀'},
		{"dòng\nmới", '\n'},
		{"tab\there", '\t'},
	} {
		b, err := f.Encode(tc.text)
		if !errors.Is(err, ErrMissingGlyph) {
			t.Fatalf("Encode(%q) = %x, %v; want ErrMissingGlyph", tc.text, b, err)
		}
		var mg *MissingGlyphError
		if !errors.As(err, &mg) || mg.Rune != tc.want || mg.Font != "LiberationSerif" {
			t.Errorf("Encode(%q): error %#v, want rune %U", tc.text, err, tc.want)
		}
		if !strings.Contains(err.Error(), string(tc.want)) && tc.want > ' ' {
			t.Errorf("error %q does not show %q", err, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "pdffont: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
		s := f.NewSubset()
		if err := s.Add("Hằng " + tc.text); !errors.Is(err, ErrMissingGlyph) {
			t.Errorf("Subset.Add(%q) = %v", tc.text, err)
		}
		if len(s.Glyphs()) != 0 || len(s.kept()) != 1 {
			t.Errorf("failed Add changed the subset: %v", s.kept())
		}
	}
	if _, err := f.Encode("ab\xffc"); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("Encode(invalid UTF-8) = %v", err)
	}
}

// TestEncodeDecomposedFallback covers characters the font lacks
// precomposed but has as base + combining mark (none is Vietnamese).
func TestEncodeDecomposedFallback(t *testing.T) {
	f := LiberationSerif()
	ref := newReference(t, liberationSerifRegular)
	if ref.glyph(t, '\u226E') != 0 {
		t.Skip("font has U+226E; pick another test character")
	}
	got, err := f.Encode("a≮b")
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, r := range "a<\u0338b" {
		want = binary.BigEndian.AppendUint16(want, ref.glyph(t, r))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode(a≮b) = %x, want %x", got, want)
	}
	s := f.NewSubset()
	if err := s.Add("≮"); err != nil {
		t.Fatal(err)
	}
	if cm := string(s.ToUnicodeCMap()); !strings.Contains(cm, "<003C>") || !strings.Contains(cm, "<0338>") {
		t.Errorf("ToUnicode lacks '<' or U+0338:\n%s", cm)
	}
}

func TestWidthMissingIsNotdef(t *testing.T) {
	f := LiberationSerif()
	if got, want := f.Width("a中", 10), f.Width("a", 10)+float64(f.GlyphWidth(0))*10/1000; got != want {
		t.Errorf("Width(a中) = %v, want %v", got, want)
	}
}
