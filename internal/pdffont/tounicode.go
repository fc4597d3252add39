package pdffont

import (
	"bytes"
	"fmt"
	"unicode/utf16"
)

// ToUnicodeCMap returns the content of a ToUnicode CMap stream (ISO
// 32000-1 §9.10.3) mapping each drawn CID (= glyph ID) to the character
// it was drawn for, as UTF-16BE. This is what lets viewers copy, search
// and read aloud the Vietnamese text: Identity-H codes carry no meaning
// by themselves. A glyph drawn for several characters maps to the first
// one added. Runs of consecutive CIDs with consecutive characters become
// bfrange entries, the rest bfchar; each block holds at most 100 entries,
// the limit of the CMap format (Adobe Technical Note #5014).
func (s *Subset) ToUnicodeCMap() []byte {
	type entry struct {
		cid    uint16
		r      rune
		length int // > 1 for a bfrange
	}
	var ranges, chars []entry
	var cur *entry
	flush := func() {
		if cur == nil {
			return
		}
		if cur.length > 1 {
			ranges = append(ranges, *cur)
		} else {
			chars = append(chars, *cur)
		}
		cur = nil
	}
	for _, g := range s.Glyphs() {
		r := s.runes[g]
		// A bfrange increments the last byte of source and destination, so a
		// run may not cross a 256 boundary in either, and the destination
		// must be a single UTF-16 unit.
		if cur != nil && int(cur.cid)+cur.length == int(g) && cur.r+rune(cur.length) == r &&
			g&0xFF != 0 && r&0xFF != 0 && r < 0xD800 {
			cur.length++
			continue
		}
		flush()
		cur = &entry{cid: g, r: r, length: 1}
	}
	flush()

	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n" +
		"12 dict begin\n" +
		"begincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n" +
		"/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(ranges); i += 100 {
		block := ranges[i:min(i+100, len(ranges))]
		fmt.Fprintf(&b, "%d beginbfrange\n", len(block))
		for _, e := range block {
			fmt.Fprintf(&b, "<%04X> <%04X> <%s>\n", e.cid, int(e.cid)+e.length-1, utf16Hex(e.r))
		}
		b.WriteString("endbfrange\n")
	}
	for i := 0; i < len(chars); i += 100 {
		block := chars[i:min(i+100, len(chars))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for _, e := range block {
			fmt.Fprintf(&b, "<%04X> <%s>\n", e.cid, utf16Hex(e.r))
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\n" +
		"CMapName currentdict /CMap defineresource pop\n" +
		"end\n" +
		"end\n")
	return b.Bytes()
}

// utf16Hex writes r as UTF-16BE hex digits (a surrogate pair beyond the BMP).
func utf16Hex(r rune) string {
	var s string
	for _, u := range utf16.Encode([]rune{r}) {
		s += fmt.Sprintf("%04X", u)
	}
	return s
}
