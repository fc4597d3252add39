package pdffont

import (
	"encoding/binary"
	"fmt"
)

// Raw access to the TrueType table directory (OpenType spec, "Organization
// of an OpenType font": table directory and table records).
// golang.org/x/image/font/sfnt parses the font for cmap lookups, but it
// does not expose table bytes, which the subsetter copies and rewrites.

const (
	sfntVersionTrueType = 0x00010000 // glyf outlines
	sfntVersionApple    = 0x74727565 // 'true', also glyf outlines
)

// readTables returns each table's bytes by tag. Only TrueType-flavoured
// fonts are accepted: a PDF FontFile2 carries glyf outlines (ISO 32000-1
// §9.9, Table 126); CFF-flavoured OpenType ('OTTO') would need FontFile3.
func readTables(data []byte) (map[string][]byte, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("pdffont: font data too short (%d bytes)", len(data))
	}
	switch v := binary.BigEndian.Uint32(data); v {
	case sfntVersionTrueType, sfntVersionApple:
	default:
		return nil, fmt.Errorf("pdffont: unsupported font version %#08x: need TrueType outlines", v)
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, fmt.Errorf("pdffont: table directory truncated (%d tables)", n)
	}
	tables := make(map[string][]byte, n)
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off := uint64(binary.BigEndian.Uint32(rec[8:]))
		length := uint64(binary.BigEndian.Uint32(rec[12:]))
		if off+length > uint64(len(data)) {
			return nil, fmt.Errorf("pdffont: table %q out of bounds", tag)
		}
		tables[tag] = data[off : off+length : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf"} {
		if tables[tag] == nil {
			return nil, fmt.Errorf("pdffont: font lacks required table %q", tag)
		}
	}
	return tables, nil
}

// Byte offsets of the fields used here (OpenType spec, per-table chapters).
const (
	headCheckSumAdjustment = 8
	headUnitsPerEm         = 18
	headXMin               = 36 // then yMin, xMax, yMax (int16 each)
	headMacStyle           = 44
	headIndexToLocFormat   = 50
	headLen                = 54

	hheaAscender        = 4
	hheaDescender       = 6
	hheaLineGap         = 8
	hheaNumberOfHMetric = 34
	hheaLen             = 36

	maxpNumGlyphs = 4

	os2WeightClass = 4
	os2Panose      = 32 // 10 bytes
	os2XHeight     = 86 // version >= 2
	os2CapHeight   = 88 // version >= 2
	os2LenV2       = 96

	postItalicAngle  = 4  // Fixed 16.16
	postIsFixedPitch = 12 // uint32
	postHeaderLen    = 32
)

func u16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }
func i16(b []byte, off int) int16  { return int16(binary.BigEndian.Uint16(b[off:])) }
func u32(b []byte, off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }
