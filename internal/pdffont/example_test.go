package pdffont_test

import (
	"fmt"

	"github.com/kyso-vn/kyso/internal/pdffont"
)

// The signing code builds one subset per font and appearance, encodes each
// line through it, and then wraps the results in PDF objects.
func Example() {
	font := pdffont.LiberationSerif()
	sub := font.NewSubset()

	lines := font.Wrap("Ủy ban nhân dân tỉnh Quảng Ngãi", 11, 120)
	for _, line := range lines {
		code, err := sub.Encode(line) // the bytes of a <…> Tj string
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d glyphs, %.2f pt\n", line, len(code)/2, font.Width(line, 11))
	}
	fmt.Println("BaseFont:", sub.BaseFont())
	fmt.Println("first /W run:", sub.Widths()[0])
	m := font.Metrics()
	fmt.Println("Ascent", m.Ascent, "Descent", m.Descent, "CapHeight", m.CapHeight, "Flags", m.Flags)

	_, err := font.Encode("Nguyễn 中")
	fmt.Println(err)
	// Output:
	// Ủy ban nhân dân tỉnh: 20 glyphs, 94.71 pt
	// Quảng Ngãi: 10 glyphs, 53.46 pt
	// BaseFont: ZXUWQN+LiberationSerif
	// first /W run: {3 [250]}
	// Ascent 891 Descent -216 CapHeight 655 Flags 6
	// pdffont: font LiberationSerif has no glyph for U+4E2D '中'
}
