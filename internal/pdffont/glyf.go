package pdffont

import "fmt"

// Composite glyph flags (OpenType spec, 'glyf', "Composite glyph description").
const (
	compArg1And2AreWords   = 0x0001
	compWeHaveAScale       = 0x0008
	compMoreComponents     = 0x0020
	compWeHaveAnXAndYScale = 0x0040
	compWeHaveATwoByTwo    = 0x0080
	compWeHaveInstructions = 0x0100
)

// components returns the glyph IDs a composite glyph is built from (a
// negative numberOfContours marks a composite). Many precomposed
// Vietnamese letters are composites — e.g. a base letter plus a
// circumflex-and-tilde glyph — so a subset without the components would
// draw nothing for them.
func (f *Font) components(gid uint16) ([]uint16, error) {
	comps, _, err := f.walkComposite(gid)
	return comps, err
}

// walkComposite returns the components of a composite glyph and the
// offset of each component record's flags, followed by the offset where
// the records end (instructions, if any, come after). It returns nothing
// for simple or empty glyphs.
func (f *Font) walkComposite(gid uint16) (comps []uint16, flagOffsets []int, err error) {
	d := f.glyphData(gid)
	if len(d) < 10 || i16(d, 0) >= 0 {
		return nil, nil, nil // empty or simple glyph
	}
	for p := 10; ; {
		if p+4 > len(d) {
			return nil, nil, fmt.Errorf("pdffont: composite glyph %d truncated", gid)
		}
		flags, comp := u16(d, p), u16(d, p+2)
		if int(comp) >= f.nGlyphs {
			return nil, nil, fmt.Errorf("pdffont: composite glyph %d references glyph %d of %d", gid, comp, f.nGlyphs)
		}
		comps, flagOffsets = append(comps, comp), append(flagOffsets, p)
		p += 4
		if flags&compArg1And2AreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&compWeHaveAScale != 0:
			p += 2
		case flags&compWeHaveAnXAndYScale != 0:
			p += 4
		case flags&compWeHaveATwoByTwo != 0:
			p += 8
		}
		if flags&compMoreComponents == 0 {
			if p > len(d) {
				return nil, nil, fmt.Errorf("pdffont: composite glyph %d truncated", gid)
			}
			return comps, append(flagOffsets, p), nil
		}
	}
}

// unhinted returns glyph gid's outline without TrueType instructions
// (OpenType spec, 'glyf': a simple glyph's instructionLength and
// instructions; a composite's WE_HAVE_INSTRUCTIONS flags and trailing
// instructions). The points, contours and component placement are
// copied unchanged, so the outline is the same; see FontFile2 for why
// hinting is left out.
func (f *Font) unhinted(gid uint16) ([]byte, error) {
	d := f.glyphData(gid)
	if len(d) < 10 {
		return nil, nil // empty glyph (e.g. space)
	}
	if nc := int(i16(d, 0)); nc >= 0 {
		lenOff := 10 + 2*nc // after endPtsOfContours
		if lenOff+2 > len(d) || lenOff+2+int(u16(d, lenOff)) > len(d) {
			return nil, fmt.Errorf("pdffont: glyph %d truncated", gid)
		}
		start := lenOff + 2 + int(u16(d, lenOff))
		end, err := simpleGlyphEnd(d, nc, start)
		if err != nil {
			return nil, fmt.Errorf("pdffont: glyph %d: %w", gid, err)
		}
		rest := d[start:end]
		out := make([]byte, 0, lenOff+2+len(rest))
		out = append(out, d[:lenOff]...)
		out = append(out, 0, 0) // instructionLength
		return append(out, rest...), nil
	}
	_, offs, err := f.walkComposite(gid)
	if err != nil {
		return nil, err
	}
	end := offs[len(offs)-1]
	out := append([]byte(nil), d[:end]...)
	for _, p := range offs[:len(offs)-1] {
		flags := u16(out, p) &^ compWeHaveInstructions
		out[p], out[p+1] = byte(flags>>8), byte(flags)
	}
	return out, nil
}

// Simple glyph flags (OpenType spec, 'glyf', "Simple glyph description").
const (
	simpleXShort      = 0x02
	simpleYShort      = 0x04
	simpleRepeat      = 0x08
	simpleXSameOrPlus = 0x10
	simpleYSameOrPlus = 0x20
)

// simpleGlyphEnd returns where a simple glyph's data ends: after the flags
// (from start) and the x and y coordinates. The loca span may include
// padding from the original font, which the subset pads afresh.
func simpleGlyphEnd(d []byte, numContours, start int) (int, error) {
	if numContours == 0 {
		return start, nil
	}
	numPoints := int(u16(d, 10+2*(numContours-1))) + 1
	p, xBytes, yBytes := start, 0, 0
	for n := 0; n < numPoints; {
		if p >= len(d) {
			return 0, fmt.Errorf("flags truncated")
		}
		flag := d[p]
		p++
		count := 1
		if flag&simpleRepeat != 0 {
			if p >= len(d) {
				return 0, fmt.Errorf("flags truncated")
			}
			count += int(d[p])
			p++
		}
		n += count
		switch {
		case flag&simpleXShort != 0:
			xBytes += count
		case flag&simpleXSameOrPlus == 0:
			xBytes += 2 * count
		}
		switch {
		case flag&simpleYShort != 0:
			yBytes += count
		case flag&simpleYSameOrPlus == 0:
			yBytes += 2 * count
		}
	}
	if end := p + xBytes + yBytes; end <= len(d) {
		return end, nil
	}
	return 0, fmt.Errorf("coordinates truncated")
}
