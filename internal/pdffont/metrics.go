package pdffont

import (
	"fmt"
	"math"
)

// Metrics are the font-wide values of a PDF FontDescriptor (ISO 32000-1
// §9.8.1, Table 122), in 1/1000 em unless stated otherwise.
type Metrics struct {
	Ascent      int     // maximum height above the baseline (hhea.ascender)
	Descent     int     // maximum depth below the baseline, negative (hhea.descender)
	Leading     int     // baseline-to-baseline distance: ascent - descent + hhea.lineGap
	CapHeight   int     // height of flat capitals (OS/2.sCapHeight)
	XHeight     int     // height of flat lowercase letters (OS/2.sxHeight)
	ItalicAngle float64 // degrees counter-clockwise from vertical (post.italicAngle)
	StemV       int     // estimated vertical stem width (see computeMetrics)
	Flags       uint32  // FontDescriptor /Flags (ISO 32000-1 §9.8.2, Table 123)
	FontBBox    [4]int  // llx lly urx ury (head xMin yMin xMax yMax), rounded outwards
}

// FontDescriptor flag bits (ISO 32000-1 §9.8.2, Table 123; bit n is 1<<(n-1)).
const (
	FlagFixedPitch  = 1 << 0 // all glyphs have the same width
	FlagSerif       = 1 << 1 // glyphs have serifs
	FlagSymbolic    = 1 << 2 // glyphs outside the Adobe standard Latin set
	FlagNonsymbolic = 1 << 5 // only Adobe standard Latin glyphs
	FlagItalic      = 1 << 6 // glyphs are slanted
)

// Metrics returns the values for the CIDFont's FontDescriptor.
func (f *Font) Metrics() Metrics { return f.metrics }

// computeMetrics derives the FontDescriptor values. TrueType has no stem
// width, so StemV uses the estimate from usWeightClass that dvipdfmx
// (tt_aux.c) and others use: (weight/65)² + 50, i.e. 88 for Regular and
// 166 for Bold; viewers only use it when substituting a font, and ours is
// always embedded.
func (f *Font) computeMetrics() (Metrics, error) {
	head, hhea := f.tables["head"], f.tables["hhea"]
	var m Metrics
	asc, desc := int(i16(hhea, hheaAscender)), int(i16(hhea, hheaDescender))
	m.Ascent = f.toThousandths(asc)
	m.Descent = f.toThousandths(desc)
	m.Leading = f.toThousandths(asc - desc + int(i16(hhea, hheaLineGap)))
	scale := 1000 / float64(f.upem)
	m.FontBBox = [4]int{
		int(math.Floor(float64(i16(head, headXMin)) * scale)),
		int(math.Floor(float64(i16(head, headXMin+2)) * scale)),
		int(math.Ceil(float64(i16(head, headXMin+4)) * scale)),
		int(math.Ceil(float64(i16(head, headXMin+6)) * scale)),
	}

	weight, serif := 400, false
	if os2 := f.tables["OS/2"]; len(os2) >= os2Panose+10 {
		weight = int(u16(os2, os2WeightClass))
		// PANOSE Latin Text (family kind 2): serif styles 2–10 have serifs,
		// 11–13 are sans serif, 0–1 are "any"/"no fit".
		p := os2[os2Panose:]
		serif = p[0] == 2 && p[1] >= 2 && p[1] <= 10
		if u16(os2, 0) >= 2 && len(os2) >= os2LenV2 {
			m.XHeight = f.toThousandths(int(i16(os2, os2XHeight)))
			m.CapHeight = f.toThousandths(int(i16(os2, os2CapHeight)))
		}
	}
	if m.CapHeight == 0 {
		// Older OS/2 versions lack sCapHeight: take the top of 'H'.
		h, err := f.glyphTop('H')
		if err != nil {
			return m, err
		}
		m.CapHeight = h
	}
	if m.XHeight == 0 {
		h, err := f.glyphTop('x')
		if err != nil {
			return m, err
		}
		m.XHeight = h
	}
	m.StemV = int(math.Round(float64(weight*weight)/(65*65) + 50))

	fixed := false
	if post := f.tables["post"]; len(post) >= postHeaderLen {
		m.ItalicAngle = float64(int32(u32(post, postItalicAngle))) / 65536
		fixed = u32(post, postIsFixedPitch) != 0
	}
	if fixed {
		m.Flags |= FlagFixedPitch
	}
	if serif {
		m.Flags |= FlagSerif
	}
	// Symbolic: "font contains glyphs outside the Adobe standard Latin
	// character set" (Table 123) — true of every Vietnamese letter with a
	// tone mark. For a CIDFont the flag does not affect glyph selection.
	m.Flags |= FlagSymbolic
	if m.ItalicAngle != 0 || u16(head, headMacStyle)&2 != 0 {
		m.Flags |= FlagItalic
	}
	return m, nil
}

// glyphTop returns yMax of r's glyph in 1/1000 em, from its glyf header.
func (f *Font) glyphTop(r rune) (int, error) {
	g, err := f.glyphIndex(r)
	if err != nil {
		return 0, err
	}
	d := f.glyphData(g)
	if len(d) < 10 {
		return 0, fmt.Errorf("pdffont: no outline for %q to measure", r)
	}
	return f.toThousandths(int(i16(d, 8))), nil
}
