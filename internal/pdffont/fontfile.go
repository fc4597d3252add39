package pdffont

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// FontFile2 returns a TrueType font program for the PDF FontFile2 stream
// (ISO 32000-1 §9.9) that holds only the outlines of the glyphs in the
// subset. Glyph IDs do not change, so /CIDToGIDMap /Identity stays right:
// unused glyphs below the highest used one get empty outlines (equal loca
// offsets) and zero metrics, and maxp.numGlyphs ends at the highest used
// glyph, which keeps loca and hmtx short.
//
// Tables kept, and why (ISO 32000-1 §9.9 lists head, hhea, loca, maxp,
// cvt, prep, glyf, hmtx and fpgm as the tables a PDF viewer uses; cvt,
// prep and fpgm only matter to hinting, which is left out, see below):
//   - glyf, loca: the outlines, rebuilt.
//   - head, hhea, maxp, hmtx: font-wide values and per-glyph metrics;
//     numGlyphs, numberOfHMetrics, indexToLocFormat and checkSumAdjustment
//     are rewritten, the rest copied (maxp's maxima and hhea's extremes
//     are those of the full font, still valid upper bounds).
//   - OS/2: copied (96 bytes); Windows and some checkers refuse fonts
//     without it, and it holds the embedding permissions (fsType).
//   - cmap: a small format 4 (3,1) table for the characters drawn. PDF
//     does not use it with /CIDToGIDMap /Identity, but font loaders such as
//     OTS refuse a TrueType font without a cmap, and it documents the subset.
//   - name: only the Windows-platform copyright, names and licence records
//     (IDs 0–6, 13, 14), keeping the OFL notices with the font data.
//   - post: version 3.0, the 32-byte header without glyph names; ToUnicode
//     carries the text semantics instead.
//
// Dropped: GSUB, GPOS, GDEF and kern (PDF text is positioned by /W and the
// content stream; no shaping or kerning happens), DSIG (invalid after any
// change), FFTM, hdmx, LTSH, VDMX and any other table.
//
// Hinting is dropped too: the glyph instructions are removed together
// with fpgm, prep, cvt and gasp, which only they use. In Liberation Serif
// the instructions are about 60% of the glyph data and the programs
// another 3.6 KB, against outlines of a few KB for a name and a date.
// Poppler, MuPDF and pdf.js render PDF text unhinted by default, and the
// outline itself is unchanged; the cost is less crisp small text in a
// viewer that would grid-fit TrueType at screen resolution. (WeasyPrint
// makes the same choice by default.) Keeping the instructions without the
// programs would not be an option: they call fpgm functions and read cvt.
//
// The raw size is dominated by loca and hmtx, which must reach the highest
// glyph ID used (Vietnamese letters sit near 1700 in Liberation Serif, and
// some of their components near 2600) and are mostly zeros; the caller
// should store the stream with /FlateDecode, which shrinks it to about
// the size of the outlines.
func (s *Subset) FontFile2() ([]byte, error) {
	f := s.f
	kept := s.kept()
	n := int(kept[len(kept)-1]) + 1

	glyf, loca, err := s.buildGlyf(n)
	if err != nil {
		return nil, fmt.Errorf("pdffont: subset %s: %w", f.psName, err)
	}
	short := loca[n] <= 0x1FFFE // offsets are 4-aligned, so halving is exact
	tables := map[string][]byte{
		"glyf": glyf,
		"loca": encodeLoca(loca, short),
		"hmtx": s.buildHmtx(n),
		"head": slices.Clone(f.tables["head"][:headLen]),
		"hhea": slices.Clone(f.tables["hhea"][:hheaLen]),
		"maxp": slices.Clone(f.tables["maxp"]),
		"cmap": buildCmap(s.cmapPairs()),
	}
	head := tables["head"]
	binary.BigEndian.PutUint32(head[headCheckSumAdjustment:], 0)
	if short {
		binary.BigEndian.PutUint16(head[headIndexToLocFormat:], 0)
	} else {
		binary.BigEndian.PutUint16(head[headIndexToLocFormat:], 1)
	}
	binary.BigEndian.PutUint16(tables["hhea"][hheaNumberOfHMetric:], uint16(n))
	binary.BigEndian.PutUint16(tables["maxp"][maxpNumGlyphs:], uint16(n))
	if post := f.tables["post"]; len(post) >= postHeaderLen {
		p := slices.Clone(post[:postHeaderLen])
		binary.BigEndian.PutUint32(p, 0x00030000)
		tables["post"] = p
	}
	if name, err := filterName(f.tables["name"]); err != nil {
		return nil, fmt.Errorf("pdffont: subset %s: %w", f.psName, err)
	} else if name != nil {
		tables["name"] = name
	}
	if os2 := f.tables["OS/2"]; os2 != nil {
		tables["OS/2"] = os2
	}
	return assemble(tables), nil
}

// buildGlyf copies the unhinted outlines of the kept glyphs (all below n),
// each padded to 4 bytes as the OpenType spec recommends for 'glyf';
// other glyphs are empty.
func (s *Subset) buildGlyf(n int) ([]byte, []uint32, error) {
	var glyf []byte
	loca := make([]uint32, n+1)
	for g := range n {
		loca[g] = uint32(len(glyf))
		if !s.keep.has(uint16(g)) {
			continue
		}
		d, err := s.f.unhinted(uint16(g))
		if err != nil {
			return nil, nil, err
		}
		glyf = append(glyf, d...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	loca[n] = uint32(len(glyf))
	return glyf, loca, nil
}

// encodeLoca writes loca in the short (offset/2, uint16) or long format.
func encodeLoca(loca []uint32, short bool) []byte {
	if short {
		b := make([]byte, 2*len(loca))
		for i, o := range loca {
			binary.BigEndian.PutUint16(b[2*i:], uint16(o/2))
		}
		return b
	}
	b := make([]byte, 4*len(loca))
	for i, o := range loca {
		binary.BigEndian.PutUint32(b[4*i:], o)
	}
	return b
}

// buildHmtx writes one longHorMetric per glyph (numberOfHMetrics = n):
// the original advance and side bearing for kept glyphs, zeros otherwise.
func (s *Subset) buildHmtx(n int) []byte {
	b := make([]byte, 4*n)
	for _, g := range s.keep.members() {
		if int(g) < n {
			binary.BigEndian.PutUint16(b[4*int(g):], s.f.advance[g])
			binary.BigEndian.PutUint16(b[4*int(g)+2:], uint16(s.f.lsb[g]))
		}
	}
	return b
}

// assemble writes the table directory and tables (OpenType spec,
// "Organization of an OpenType font"): records sorted by tag, tables
// 4-byte aligned, each record with its checksum, and
// head.checkSumAdjustment set so the whole font sums to 0xB1B0AFBA.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	slices.Sort(tags)
	out := make([]byte, 12+16*len(tags), size)
	num := len(tags)
	entrySelector := bits.Len(uint(num)) - 1
	searchRange := (1 << entrySelector) * 16
	binary.BigEndian.PutUint32(out, sfntVersionTrueType)
	binary.BigEndian.PutUint16(out[4:], uint16(num))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(num*16-searchRange))
	headOff := 0
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		if tag == "head" {
			headOff = len(out)
		}
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headOff+headCheckSumAdjustment:], 0xB1B0AFBA-checksum(out))
	return out
}

// checksum is the OpenType table checksum: the sum of big-endian uint32
// words, the data padded with zeros to a multiple of 4.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	var last [4]byte
	copy(last[:], b)
	return sum + binary.BigEndian.Uint32(last[:])
}
