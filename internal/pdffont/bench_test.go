package pdffont

import "testing"

// BenchmarkAppearance measures what signing one visible signature costs:
// encoding the four texts into a new subset and producing the font
// program, /W and ToUnicode.
func BenchmarkAppearance(b *testing.B) {
	regular := LiberationSerif()
	b.ReportAllocs()
	for b.Loop() {
		s := regular.NewSubset()
		for _, text := range []string{textName, textTitle, textAgency, textTime} {
			if _, err := s.Encode(text); err != nil {
				b.Fatal(err)
			}
		}
		ff, err := s.FontFile2()
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Widths()
		_ = s.ToUnicodeCMap()
		b.SetBytes(int64(len(ff)))
	}
}

// BenchmarkWidth measures one line measurement, which layout repeats.
func BenchmarkWidth(b *testing.B) {
	f := LiberationSerif()
	b.ReportAllocs()
	for b.Loop() {
		_ = f.Width(textAgency, 11)
	}
}
