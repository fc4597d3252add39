package pdffont

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// outline loads glyph g unhinted at 1 unit per font unit.
func outline(t *testing.T, f *sfnt.Font, g uint16) sfnt.Segments {
	t.Helper()
	var b sfnt.Buffer
	segs, err := f.LoadGlyph(&b, sfnt.GlyphIndex(g), fixed.I(int(f.UnitsPerEm())), &sfnt.LoadGlyphOptions{})
	if err != nil {
		t.Fatalf("LoadGlyph(%d): %v", g, err)
	}
	return slices.Clone(segs)
}

// checkFontProgram verifies the structure of a font program: sorted,
// aligned table records with correct checksums, and a whole-font checksum
// of 0xB1B0AFBA (OpenType spec, 'head' checkSumAdjustment).
func checkFontProgram(t *testing.T, b []byte) []string {
	t.Helper()
	n := int(binary.BigEndian.Uint16(b[4:]))
	var tags []string
	for i := range n {
		rec := b[12+16*i:]
		tag := string(rec[:4])
		sum, off, length := binary.BigEndian.Uint32(rec[4:]), binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if off%4 != 0 || int(off+length) > len(b) {
			t.Errorf("table %q at %d+%d", tag, off, length)
			continue
		}
		data := slices.Clone(b[off : off+length])
		if tag == "head" {
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		if got := checksum(data); got != sum {
			t.Errorf("table %q checksum %#x, record says %#x", tag, got, sum)
		}
		tags = append(tags, tag)
	}
	if !slices.IsSorted(tags) {
		t.Errorf("tables not sorted: %q", tags)
	}
	if got := checksum(b); got != 0xB1B0AFBA {
		t.Errorf("font checksum %#x, want 0xB1B0AFBA", got)
	}
	es := int(binary.BigEndian.Uint16(b[8:]))
	if sr := int(binary.BigEndian.Uint16(b[6:])); sr != 16<<es || sr > 16*n || 2*sr <= 16*n {
		t.Errorf("searchRange %d entrySelector %d for %d tables", sr, es, n)
	}
	return tags
}

func deflatedSize(b []byte) int {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write(b)
	w.Close()
	return z.Len()
}

func TestFontFile2(t *testing.T) {
	for _, tc := range []struct {
		name   string
		font   *Font
		data   []byte
		texts  []string
		maxLen int
	}{
		{"name+date", LiberationSerif(), liberationSerifRegular, []string{textName, textTime}, 30 << 10},
		{"appearance", LiberationSerif(), liberationSerifRegular, []string{textName, textTitle, textAgency, textTime}, 30 << 10},
		{"bold name", LiberationSerifBold(), liberationSerifBoldData, []string{textName}, 30 << 10},
		{"ascii", LiberationSerif(), liberationSerifRegular, []string{"Ky boi: Nguyen Van A"}, 10 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.font.NewSubset()
			for _, text := range tc.texts {
				if err := s.Add(text); err != nil {
					t.Fatal(err)
				}
			}
			b, err := s.FontFile2()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d glyphs drawn, %d kept: %d bytes, %d deflated", len(s.Glyphs()), len(s.kept()), len(b), deflatedSize(b))
			if len(b) >= tc.maxLen {
				t.Errorf("subset is %d bytes, want < %d", len(b), tc.maxLen)
			}
			tags := checkFontProgram(t, b)
			if want := []string{"OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"}; !slices.Equal(tags, want) {
				t.Errorf("tables %q, want %q", tags, want)
			}
			again, _ := s.FontFile2()
			if !bytes.Equal(again, b) {
				t.Error("FontFile2 is not deterministic")
			}

			sub, err := sfnt.Parse(b)
			if err != nil {
				t.Fatalf("subset does not parse: %v", err)
			}
			full := newReference(t, tc.data)
			kept := s.kept()
			if sub.NumGlyphs() != int(kept[len(kept)-1])+1 {
				t.Errorf("NumGlyphs = %d, highest kept glyph %d", sub.NumGlyphs(), kept[len(kept)-1])
			}
			var buf sfnt.Buffer
			if ps, _ := sub.Name(&buf, sfnt.NameIDPostScript); ps != tc.font.PostScriptName() {
				t.Errorf("subset PostScript name %q", ps)
			}
			if lic, _ := sub.Name(&buf, sfnt.NameIDLicense); lic == "" {
				t.Error("subset lost the licence name record")
			}
			// Same outlines (composites resolved by sfnt through their
			// components) and same advances for every drawn glyph.
			for _, text := range tc.texts {
				for _, r := range text {
					g := full.glyph(t, r)
					if got := outline(t, sub, g); !slices.Equal(got, outline(t, full.f, g)) {
						t.Errorf("glyph %d (%q): outline differs", g, r)
					}
					if len(outline(t, sub, g)) == 0 && r != ' ' {
						t.Errorf("glyph %d (%q): empty outline", g, r)
					}
					if sg, _ := sub.GlyphIndex(&buf, r); uint16(sg) != g {
						t.Errorf("subset cmap maps %q to %d, want %d", r, sg, g)
					}
					adv, _ := sub.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(2048), font.HintingNone)
					fadv, _ := full.f.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(2048), font.HintingNone)
					if adv != fadv {
						t.Errorf("glyph %d advance %v, want %v", g, adv, fadv)
					}
				}
			}
			// Unused glyphs below the highest one have empty outlines.
			for _, r := range "ZXW@" {
				g := full.glyph(t, r)
				if int(g) >= sub.NumGlyphs() || s.keep.has(g) {
					t.Fatalf("pick another unused character than %q", r)
				}
				if len(outline(t, full.f, g)) == 0 || len(outline(t, sub, g)) != 0 {
					t.Errorf("unused glyph %d (%q) not emptied", g, r)
				}
			}
		})
	}
}

// TestFontFile2AllGlyphs keeps every glyph, which checks instruction
// stripping on each simple and composite glyph of both fonts and the long
// loca format if the outlines exceed 128 KB.
func TestFontFile2AllGlyphs(t *testing.T) {
	for _, tc := range []struct {
		font *Font
		data []byte
	}{{LiberationSerif(), liberationSerifRegular}, {LiberationSerifBold(), liberationSerifBoldData}, {LiberationSerifItalic(), liberationSerifItalicData}} {
		s := tc.font.NewSubset()
		for g := range tc.font.NumGlyphs() {
			s.keep.set(uint16(g))
		}
		b, err := s.FontFile2()
		if err != nil {
			t.Fatal(err)
		}
		checkFontProgram(t, b)
		t.Logf("%s: all %d glyphs unhinted: %d bytes (font file %d)", tc.font.PostScriptName(), tc.font.NumGlyphs(), len(b), len(tc.data))
		sub, err := sfnt.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		full := newReference(t, tc.data)
		for g := range uint16(tc.font.NumGlyphs()) {
			if !slices.Equal(outline(t, sub, g), outline(t, full.f, g)) {
				t.Errorf("glyph %d outline differs", g)
			}
		}
	}
}

func TestEncodeLocaLong(t *testing.T) {
	loca := []uint32{0, 8, 8, 0x20000}
	b := encodeLoca(loca, false)
	for i, o := range loca {
		if binary.BigEndian.Uint32(b[4*i:]) != o {
			t.Fatalf("long loca %x", b)
		}
	}
	if b := encodeLoca([]uint32{0, 8, 12}, true); !bytes.Equal(b, []byte{0, 0, 0, 4, 0, 6}) {
		t.Errorf("short loca %x", b)
	}
}

// TestFontFile2Empty: a subset with no text still yields a valid font
// (.notdef only), e.g. for an appearance that draws only an image.
func TestFontFile2Empty(t *testing.T) {
	s := LiberationSerif().NewSubset()
	b, err := s.FontFile2()
	if err != nil {
		t.Fatal(err)
	}
	checkFontProgram(t, b)
	f, err := sfnt.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.NumGlyphs() != 1 || len(s.Widths()) != 0 || len(b) > 2048 {
		t.Errorf("empty subset: %d glyphs, %d bytes, widths %v", f.NumGlyphs(), len(b), s.Widths())
	}
}

// TestFontFile2OTS runs the OpenType Sanitizer (Chrome's and Firefox's font
// validator), which is stricter than PDF viewers, on the subsets.
func TestFontFile2OTS(t *testing.T) {
	ots := tool(t, "ots-sanitize", "opentype-sanitizer")
	dir := t.TempDir()
	for _, f := range []*Font{LiberationSerif(), LiberationSerifBold(), LiberationSerifItalic()} {
		s := f.NewSubset()
		for _, text := range []string{textName, textTitle, textAgency, textTime} {
			if err := s.Add(text); err != nil {
				t.Fatal(err)
			}
		}
		b, err := s.FontFile2()
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(dir, f.PostScriptName()+".ttf")
		if err := os.WriteFile(in, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out := run(t, ots, in, filepath.Join(dir, "out.ttf"))
		if !bytes.Contains(out, []byte("File sanitized successfully")) || bytes.Contains(out, []byte("WARNING")) {
			t.Errorf("ots-sanitize %s:\n%s", f.PostScriptName(), out)
		}
	}
}
