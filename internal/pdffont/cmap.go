package pdffont

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// cmapPair maps a character to a glyph in the subset's own cmap.
type cmapPair struct {
	r   rune
	gid uint16
}

// cmapPairs lists the drawn glyphs with the character each was first drawn
// for, by character. Format 4 covers the BMP only; the fonts shipped here
// have no glyphs beyond it, and PDF text does not use this table anyway.
func (s *Subset) cmapPairs() []cmapPair {
	var ps []cmapPair
	for g, r := range s.runes {
		if r != 0 && r < 0xFFFF {
			ps = append(ps, cmapPair{r, uint16(g)})
		}
	}
	slices.SortFunc(ps, func(a, b cmapPair) int { return int(a.r - b.r) })
	return ps
}

// buildCmap writes a cmap with one (3,1) format 4 subtable (OpenType spec,
// 'cmap', "Format 4: Segment mapping to delta values"). Characters with
// consecutive code points and glyph IDs share a segment using idDelta; the
// mandatory last segment maps 0xFFFF to glyph 0.
func buildCmap(pairs []cmapPair) []byte {
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, p := range pairs {
		r, delta := uint16(p.r), p.gid-uint16(p.r)
		if n := len(segs); n > 0 && segs[n-1].end+1 == r && segs[n-1].delta == delta {
			segs[n-1].end = r
			continue
		}
		segs = append(segs, seg{r, r, delta})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})

	segCount := len(segs)
	sub := make([]byte, 16+8*segCount)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	entrySelector := bits.Len(uint(segCount)) - 1
	searchRange := 2 << entrySelector
	binary.BigEndian.PutUint16(sub[6:], uint16(2*segCount))
	binary.BigEndian.PutUint16(sub[8:], uint16(searchRange))
	binary.BigEndian.PutUint16(sub[10:], uint16(entrySelector))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*segCount-searchRange))
	ends, starts := 14, 16+2*segCount // reservedPad sits between them
	deltas, offsets := starts+2*segCount, starts+4*segCount
	for i, sg := range segs {
		binary.BigEndian.PutUint16(sub[ends+2*i:], sg.end)
		binary.BigEndian.PutUint16(sub[starts+2*i:], sg.start)
		binary.BigEndian.PutUint16(sub[deltas+2*i:], sg.delta)
		binary.BigEndian.PutUint16(sub[offsets+2*i:], 0)
	}

	out := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(out[2:], 1)  // numTables
	binary.BigEndian.PutUint16(out[4:], 3)  // platform Windows
	binary.BigEndian.PutUint16(out[6:], 1)  // encoding Unicode BMP
	binary.BigEndian.PutUint32(out[8:], 12) // subtable offset
	return append(out, sub...)
}
