package pdffont

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
)

// Font is a parsed TrueType font. It is immutable after Parse and safe for
// concurrent use.
type Font struct {
	sf      *sfnt.Font
	bufs    sync.Pool // *sfnt.Buffer: sfnt needs one Buffer per concurrent call
	tables  map[string][]byte
	psName  string
	upem    int
	nGlyphs int
	advance []uint16 // advance width per glyph, font units (hmtx)
	lsb     []int16  // left side bearing per glyph, font units (hmtx)
	w1000   []int    // advance per glyph in 1/1000 em, as written to /W
	loca    []uint32 // numGlyphs+1 offsets into glyf
	glyf    []byte
	metrics Metrics
}

// Parse reads a TrueType font (glyf outlines). The data is retained, not copied.
func Parse(data []byte) (*Font, error) {
	tables, err := readTables(data)
	if err != nil {
		return nil, err
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("pdffont: parse font: %w", err)
	}
	f := &Font{sf: sf, tables: tables, glyf: tables["glyf"]}
	f.bufs.New = func() any { return new(sfnt.Buffer) }
	if err := f.readMetrics(); err != nil {
		return nil, err
	}
	if err := f.readLoca(); err != nil {
		return nil, err
	}
	if f.psName, err = f.postScriptName(); err != nil {
		return nil, err
	}
	if f.metrics, err = f.computeMetrics(); err != nil {
		return nil, err
	}
	return f, nil
}

// readMetrics loads unitsPerEm, numGlyphs and the hmtx advances and side
// bearings (OpenType spec, 'head', 'maxp', 'hhea', 'hmtx').
func (f *Font) readMetrics() error {
	head, hhea, maxp, hmtx := f.tables["head"], f.tables["hhea"], f.tables["maxp"], f.tables["hmtx"]
	if len(head) < headLen || len(hhea) < hheaLen || len(maxp) < 6 {
		return errors.New("pdffont: head, hhea or maxp table truncated")
	}
	f.upem = int(u16(head, headUnitsPerEm))
	if f.upem < 16 || f.upem > 16384 {
		return fmt.Errorf("pdffont: unitsPerEm %d out of range", f.upem)
	}
	f.nGlyphs = int(u16(maxp, maxpNumGlyphs))
	nhm := int(u16(hhea, hheaNumberOfHMetric))
	if f.nGlyphs == 0 || nhm == 0 || nhm > f.nGlyphs {
		return fmt.Errorf("pdffont: bad glyph counts (numGlyphs %d, numberOfHMetrics %d)", f.nGlyphs, nhm)
	}
	if len(hmtx) < 4*nhm+2*(f.nGlyphs-nhm) {
		return errors.New("pdffont: hmtx table truncated")
	}
	f.advance = make([]uint16, f.nGlyphs)
	f.lsb = make([]int16, f.nGlyphs)
	f.w1000 = make([]int, f.nGlyphs)
	for g := range f.nGlyphs {
		if g < nhm {
			f.advance[g], f.lsb[g] = u16(hmtx, 4*g), i16(hmtx, 4*g+2)
		} else {
			// Glyphs past numberOfHMetrics repeat the last advance.
			f.advance[g], f.lsb[g] = f.advance[nhm-1], i16(hmtx, 4*nhm+2*(g-nhm))
		}
		f.w1000[g] = f.toThousandths(int(f.advance[g]))
	}
	return nil
}

// readLoca decodes the glyph offsets (OpenType spec, 'loca'): short offsets
// are stored halved.
func (f *Font) readLoca() error {
	loca := f.tables["loca"]
	short := i16(f.tables["head"], headIndexToLocFormat) == 0
	f.loca = make([]uint32, f.nGlyphs+1)
	for i := range f.loca {
		if short {
			if len(loca) < 2*(i+1) {
				return errors.New("pdffont: loca table truncated")
			}
			f.loca[i] = 2 * uint32(u16(loca, 2*i))
		} else {
			if len(loca) < 4*(i+1) {
				return errors.New("pdffont: loca table truncated")
			}
			f.loca[i] = u32(loca, 4*i)
		}
		if f.loca[i] > uint32(len(f.glyf)) || (i > 0 && f.loca[i] < f.loca[i-1]) {
			return fmt.Errorf("pdffont: loca entry %d out of order or past glyf", i)
		}
	}
	return nil
}

// postScriptName reads name ID 6. It becomes part of a PDF name (BaseFont),
// so it must be printable ASCII without PDF delimiters (ISO 32000-1 §9.6.2).
func (f *Font) postScriptName() (string, error) {
	b := f.bufs.Get().(*sfnt.Buffer)
	defer f.bufs.Put(b)
	name, err := f.sf.Name(b, sfnt.NameIDPostScript)
	if err != nil {
		return "", fmt.Errorf("pdffont: read PostScript name: %w", err)
	}
	if name == "" || len(name) > 63 || strings.ContainsFunc(name, func(r rune) bool {
		return r <= ' ' || r > '~' || strings.ContainsRune("()<>[]{}/%#", r)
	}) {
		return "", fmt.Errorf("pdffont: unusable PostScript name %q", name)
	}
	return name, nil
}

// toThousandths converts font units to the 1/1000 em text space units of
// PDF glyph widths and font descriptors (ISO 32000-1 §9.2.4).
func (f *Font) toThousandths(v int) int {
	return int(math.Round(float64(v) * 1000 / float64(f.upem)))
}

// PostScriptName returns the font's PostScript name (name ID 6), e.g. "LiberationSerif".
func (f *Font) PostScriptName() string { return f.psName }

// NumGlyphs returns the number of glyphs in the font (maxp.numGlyphs).
func (f *Font) NumGlyphs() int { return f.nGlyphs }

// GlyphWidth returns the advance of glyph gid in 1/1000 em, the value the /W array carries.
func (f *Font) GlyphWidth(gid uint16) int {
	if int(gid) >= f.nGlyphs {
		return 0
	}
	return f.w1000[gid]
}

// glyphIndex looks r up in the font's cmap; 0 (.notdef) means absent.
func (f *Font) glyphIndex(r rune) (uint16, error) {
	b := f.bufs.Get().(*sfnt.Buffer)
	defer f.bufs.Put(b)
	g, err := f.sf.GlyphIndex(b, r)
	if err != nil {
		return 0, fmt.Errorf("pdffont: cmap lookup %U: %w", r, err)
	}
	return uint16(g), nil
}

// glyphData returns the glyf bytes of glyph gid (empty for blank glyphs).
func (f *Font) glyphData(gid uint16) []byte {
	return f.glyf[f.loca[gid]:f.loca[gid+1]]
}
