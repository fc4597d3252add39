package pdffont

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Wrap breaks s into lines no wider than maxWidth points at the given size,
// greedily, at spaces (U+0020) only: names and agency names have no
// hyphenation, and a no-break space (U+00A0) must keep its words together.
// Runs of spaces collapse to one; "\n" (or "\r\n", "\r") forces a break.
// A word wider than maxWidth gets a line of its own and overflows; the
// caller may then shrink the size and wrap again. Lines are NFC-normalised
// and never empty, except for an empty line from consecutive "\n"; nil for
// blank s.
func (f *Font) Wrap(s string, size, maxWidth float64) []string {
	s = norm.NFC.String(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s))
	s = strings.TrimRight(s, " \n")
	if strings.Trim(s, " \n") == "" {
		return nil
	}
	// Compare in integer 1/1000 em, the same sums Width uses, so that
	// Width(line) <= maxWidth holds exactly for every line that fits.
	fits := func(units int) bool { return float64(units)*size/1000 <= maxWidth }
	space := f.units(" ")
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		words := strings.FieldsFunc(para, func(r rune) bool { return r == ' ' })
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		line, lineW := words[0], f.units(words[0])
		for _, w := range words[1:] {
			ww := f.units(w)
			if fits(lineW + space + ww) {
				line, lineW = line+" "+w, lineW+space+ww
				continue
			}
			lines = append(lines, line)
			line, lineW = w, ww
		}
		lines = append(lines, line)
	}
	return lines
}
