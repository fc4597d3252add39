package pdffont

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// SubsetTag returns the subset prefix for BaseFont: six uppercase letters
// and "+" (ISO 32000-1 §9.6.4). The spec asks only that different subsets
// in one document get different tags; deriving the tag from a hash of the
// sorted glyph set makes it deterministic, so the same appearance always
// produces the same bytes (useful for reproducible signing tests).
func SubsetTag(glyphs []uint16) string {
	sorted := slices.Clone(glyphs)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	h := sha256.New()
	var b [2]byte
	for _, g := range sorted {
		binary.BigEndian.PutUint16(b[:], g)
		h.Write(b[:])
	}
	v := binary.BigEndian.Uint64(h.Sum(nil))
	var tag [7]byte
	for i := range 6 {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	tag[6] = '+'
	return string(tag[:])
}
