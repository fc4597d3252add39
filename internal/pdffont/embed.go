package pdffont

import (
	_ "embed" // font programs shipped in the binary
	"sync"
)

// The fonts are data shipped with kyso; see fonts/README.md for their
// origin and fonts/LICENSE-OFL.txt for the licence.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	liberationSerifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	liberationSerifBoldData []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	liberationSerifItalicData []byte
)

var (
	liberationSerif       = embedded(liberationSerifRegular)
	liberationSerifBold   = embedded(liberationSerifBoldData)
	liberationSerifItalic = embedded(liberationSerifItalicData)
)

// LiberationSerif returns Liberation Serif Regular, parsed once.
func LiberationSerif() *Font { return liberationSerif() }

// LiberationSerifBold returns Liberation Serif Bold, parsed once, for titles and names.
func LiberationSerifBold() *Font { return liberationSerifBold() }

// LiberationSerifItalic returns Liberation Serif Italic, parsed once, for
// the place and date line the decree sets in italics.
func LiberationSerifItalic() *Font { return liberationSerifItalic() }

// embedded returns a function that parses data on first use. A parse
// failure is a build defect (the fonts are tested), so it panics.
func embedded(data []byte) func() *Font {
	return sync.OnceValue(func() *Font {
		f, err := Parse(data)
		if err != nil {
			panic("pdffont: embedded font: " + err.Error())
		}
		return f
	})
}
