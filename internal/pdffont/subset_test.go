package pdffont

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

func TestSubsetWidths(t *testing.T) {
	f := LiberationSerif()
	s := f.NewSubset()
	for _, text := range []string{textName, textTime} {
		if err := s.Add(text); err != nil {
			t.Fatal(err)
		}
	}
	glyphs := s.Glyphs()
	var fromRuns []uint16
	for i, run := range s.Widths() {
		if len(run.Widths) == 0 {
			t.Fatalf("empty run %d", i)
		}
		if i > 0 {
			prev := s.Widths()[i-1]
			if int(prev.First)+len(prev.Widths) >= int(run.First) {
				t.Errorf("runs %d and %d overlap or touch", i-1, i)
			}
		}
		for j, w := range run.Widths {
			g := run.First + uint16(j)
			fromRuns = append(fromRuns, g)
			if w != f.GlyphWidth(g) {
				t.Errorf("width of %d = %d, want %d", g, w, f.GlyphWidth(g))
			}
		}
	}
	if !slicesEqual(fromRuns, glyphs) {
		t.Errorf("runs cover %v, glyphs %v", fromRuns, glyphs)
	}
	// '/' and the digits 0–7 of the date are consecutive glyphs (18–26): one run.
	found := false
	for _, run := range s.Widths() {
		if run.First == 18 && len(run.Widths) == 9 {
			found = true
		}
	}
	if !found {
		t.Errorf("digits not in one run: %+v", s.Widths())
	}
}

func slicesEqual(a, b []uint16) bool {
	return len(a) == len(b) && string(u16bytes(a)) == string(u16bytes(b))
}

func u16bytes(v []uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, x)
	}
	return b
}

// parseToUnicode reads bfchar and bfrange entries back, as a viewer would.
func parseToUnicode(t *testing.T, cmap []byte) map[uint16]string {
	t.Helper()
	m := map[uint16]string{}
	hexTok := regexp.MustCompile(`<([0-9A-F]+)>`)
	dec := func(h string) []uint16 {
		b, err := hex.DecodeString(h)
		if err != nil || len(b)%2 != 0 {
			t.Fatalf("bad hex %q", h)
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
		return u
	}
	mode := ""
	sc := bufio.NewScanner(bytes.NewReader(cmap))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasSuffix(line, "beginbfchar"):
			mode = "char"
		case strings.HasSuffix(line, "beginbfrange"):
			mode = "range"
		case strings.HasPrefix(line, "end"):
			mode = ""
		case mode == "char":
			tok := hexTok.FindAllStringSubmatch(line, -1)
			m[dec(tok[0][1])[0]] = string(utf16.Decode(dec(tok[1][1])))
		case mode == "range":
			tok := hexTok.FindAllStringSubmatch(line, -1)
			lo, hi, dst := dec(tok[0][1])[0], dec(tok[1][1])[0], dec(tok[2][1])
			if lo>>8 != hi>>8 {
				t.Errorf("bfrange %q crosses a 256 boundary", line)
			}
			for c := lo; c <= hi; c++ {
				d := append([]uint16(nil), dst...)
				d[len(d)-1] += c - lo
				m[c] = string(utf16.Decode(d))
			}
		}
	}
	return m
}

func TestToUnicodeRoundTrip(t *testing.T) {
	f := LiberationSerif()
	s := f.NewSubset()
	lower, upper := allTonedVowels(t)
	texts := []string{textName, textTitle, textAgency, textTime,
		strings.Join(lower, ""), strings.Join(upper, ""), "đĐ", "0123456789 abcdefghijklmnopqrstuvwxyz"}
	encoded := make([][]byte, len(texts))
	for i, text := range texts {
		var err error
		if encoded[i], err = s.Encode(norm.NFD.String(text)); err != nil {
			t.Fatal(err)
		}
	}
	cm := s.ToUnicodeCMap()
	for _, want := range []string{"/CIDInit /ProcSet findresource begin", "begincmap",
		"/Registry (Adobe) /Ordering (UCS) /Supplement 0", "/CMapType 2 def",
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange", "endcmap", "defineresource pop"} {
		if !bytes.Contains(cm, []byte(want)) {
			t.Errorf("ToUnicode lacks %q", want)
		}
	}
	m := parseToUnicode(t, cm)
	if len(m) != len(s.Glyphs()) {
		t.Errorf("ToUnicode maps %d CIDs, subset draws %d glyphs", len(m), len(s.Glyphs()))
	}
	for i, text := range texts {
		var got strings.Builder
		for j := 0; j < len(encoded[i]); j += 2 {
			got.WriteString(m[binary.BigEndian.Uint16(encoded[i][j:])])
		}
		if got.String() != text {
			t.Errorf("round trip: %q, want %q", got.String(), text)
		}
	}
	if !bytes.Contains(cm, []byte("beginbfrange")) {
		t.Error("no bfrange for the digits and letters")
	}
	// Blocks hold at most 100 entries.
	for _, n := range regexp.MustCompile(`(\d+) beginbf`).FindAllSubmatch(cm, -1) {
		if len(n[1]) > 2 && string(n[1]) != "100" {
			t.Errorf("block of %s entries", n[1])
		}
	}
}

func TestSubsetTag(t *testing.T) {
	a := SubsetTag([]uint16{3, 68, 1677})
	if !regexp.MustCompile(`^[A-Z]{6}\+$`).MatchString(a) {
		t.Fatalf("tag %q", a)
	}
	if b := SubsetTag([]uint16{1677, 3, 68, 68}); b != a {
		t.Errorf("order or duplicates change the tag: %q vs %q", b, a)
	}
	seen := map[string]bool{a: true}
	for i := range uint16(200) {
		tag := SubsetTag([]uint16{3, 68, i + 100})
		if seen[tag] {
			t.Errorf("tag collision at %d: %q", i, tag)
		}
		seen[tag] = true
	}
	s := LiberationSerif().NewSubset()
	if err := s.Add(textName); err != nil {
		t.Fatal(err)
	}
	if bf := s.BaseFont(); bf != SubsetTag(s.Glyphs())+"LiberationSerif" {
		t.Errorf("BaseFont = %q", bf)
	}
}
