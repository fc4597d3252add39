package pdffont

import (
	"encoding/binary"
	"errors"
)

// keptNameIDs are the name records copied into subsets: copyright (0),
// family, subfamily, unique ID, full name, version, PostScript name (1–6)
// and the licence description and URL (13, 14) — the notices the OFL
// asks to travel with the font data. Trademark, designer and description
// texts are left out to keep the subset small.
var keptNameIDs = map[uint16]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 13: true, 14: true}

// filterName rebuilds the name table (OpenType spec, 'name', format 0)
// with the Windows Unicode records (platform 3, encoding 1) of
// keptNameIDs, in their original (sorted) order. It returns nil if the
// font has no name table.
func filterName(name []byte) ([]byte, error) {
	if name == nil {
		return nil, nil
	}
	if len(name) < 6 {
		return nil, errors.New("pdffont: name table truncated")
	}
	count, strOff := int(u16(name, 2)), int(u16(name, 4))
	if len(name) < 6+12*count || strOff > len(name) {
		return nil, errors.New("pdffont: name table truncated")
	}
	var recs, strs []byte
	kept := 0
	for i := range count {
		r := name[6+12*i : 18+12*i]
		if u16(r, 0) != 3 || u16(r, 2) != 1 || !keptNameIDs[u16(r, 6)] {
			continue
		}
		length, off := int(u16(r, 8)), strOff+int(u16(r, 10))
		if off+length > len(name) {
			return nil, errors.New("pdffont: name record out of bounds")
		}
		rec := make([]byte, 12)
		copy(rec, r[:8]) // platform, encoding, language, name ID
		binary.BigEndian.PutUint16(rec[8:], uint16(length))
		binary.BigEndian.PutUint16(rec[10:], uint16(len(strs)))
		recs = append(recs, rec...)
		strs = append(strs, name[off:off+length]...)
		kept++
	}
	out := make([]byte, 6, 6+len(recs)+len(strs))
	binary.BigEndian.PutUint16(out[2:], uint16(kept))
	binary.BigEndian.PutUint16(out[4:], uint16(6+len(recs)))
	out = append(out, recs...)
	return append(out, strs...), nil
}
