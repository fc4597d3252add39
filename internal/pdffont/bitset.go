package pdffont

import "math/bits"

// bitset is a set of glyph IDs. A font has at most 65535 glyphs, so a
// bitset costs at most 8 KB and makes membership and cloning cheap.
type bitset []uint64

func newBitset(n int) bitset       { return make(bitset, (n+63)/64) }
func (b bitset) set(g uint16)      { b[g/64] |= 1 << (g % 64) }
func (b bitset) has(g uint16) bool { return b[g/64]&(1<<(g%64)) != 0 }
func (b bitset) clone() bitset     { return append(bitset(nil), b...) }

// members returns the elements in ascending order.
func (b bitset) members() []uint16 {
	var out []uint16
	for i, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			out = append(out, uint16(i*64+t))
			w &^= 1 << t
		}
	}
	return out
}
