package pdffont

import "fmt"

// Subset collects the glyphs used by the texts of one appearance, and
// produces the embedded font program, /W widths and ToUnicode CMap for
// them. It is not safe for concurrent use.
type Subset struct {
	f *Font
	// runes[gid] is the character glyph gid was first drawn for; 0 means the
	// glyph is not drawn by any text (it may still be a component).
	runes []rune
	// keep is the set of glyphs whose outlines go into the font program:
	// .notdef, the glyphs drawn, and the components of composite glyphs.
	keep bitset
}

// NewSubset starts an empty subset of f.
func (f *Font) NewSubset() *Subset {
	s := &Subset{f: f, runes: make([]rune, f.nGlyphs), keep: newBitset(f.nGlyphs)}
	// Glyph 0 is .notdef; the OpenType spec requires it in every font.
	s.keep.set(0)
	return s
}

// Font returns the font the subset is taken from.
func (s *Subset) Font() *Font { return s.f }

// Add records the glyphs of text (after NFC normalisation) and, for
// composite glyphs, their components. On error the subset is unchanged.
func (s *Subset) Add(text string) error {
	_, err := s.add(text)
	return err
}

// Encode records text like Add and returns its bytes like Font.Encode, so
// that what is drawn and what is embedded cannot drift apart.
func (s *Subset) Encode(text string) ([]byte, error) {
	gs, err := s.add(text)
	if err != nil {
		return nil, err
	}
	return encodeGlyphs(gs), nil
}

func (s *Subset) add(text string) ([]glyphRune, error) {
	gs, err := s.f.glyphs(text, true)
	if err != nil {
		return nil, err // already names the font and the character
	}
	keep := s.keep.clone()
	stack := make([]uint16, 0, len(gs))
	for _, g := range gs {
		if !keep.has(g.gid) {
			keep.set(g.gid)
			stack = append(stack, g.gid)
		}
	}
	for len(stack) > 0 { // composites may nest (OpenType 'glyf')
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		comps, err := s.f.components(g)
		if err != nil {
			return nil, fmt.Errorf("pdffont: subset %s: %w", s.f.psName, err)
		}
		for _, c := range comps {
			if !keep.has(c) {
				keep.set(c)
				stack = append(stack, c)
			}
		}
	}
	s.keep = keep
	for _, g := range gs {
		if s.runes[g.gid] == 0 {
			s.runes[g.gid] = g.r
		}
	}
	return gs, nil
}

// Glyphs returns the IDs of the glyphs drawn by the added texts, ascending
// (components of composites and .notdef are not included).
func (s *Subset) Glyphs() []uint16 {
	var out []uint16
	for g, r := range s.runes {
		if r != 0 {
			out = append(out, uint16(g))
		}
	}
	return out
}

// BaseFont returns the name for /BaseFont and /FontName: the subset tag
// followed by the PostScript name (ISO 32000-1 §9.6.4), e.g. "KQZXBT+LiberationSerif".
func (s *Subset) BaseFont() string { return SubsetTag(s.Glyphs()) + s.f.psName }

// WidthRun is one "c [w1 w2 …]" element of a CIDFont /W array (ISO
// 32000-1 §9.7.4.3): Widths[i] is the width of CID First+i in 1/1000 em.
type WidthRun struct {
	First  uint16
	Widths []int
}

// Widths returns the /W runs for the drawn glyphs: consecutive CIDs share
// a run. Widths are the glyph advances scaled to 1/1000 em and rounded,
// the same values Font.Width sums.
func (s *Subset) Widths() []WidthRun {
	var runs []WidthRun
	for _, g := range s.Glyphs() {
		if n := len(runs); n > 0 && int(runs[n-1].First)+len(runs[n-1].Widths) == int(g) {
			runs[n-1].Widths = append(runs[n-1].Widths, s.f.w1000[g])
			continue
		}
		runs = append(runs, WidthRun{First: g, Widths: []int{s.f.w1000[g]}})
	}
	return runs
}

// kept returns the glyph IDs whose outlines the font program carries, ascending.
func (s *Subset) kept() []uint16 { return s.keep.members() }
