package pdffont

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestWrap(t *testing.T) {
	f := LiberationSerif()
	const size = 11
	agency := "Ủy ban nhân dân tỉnh Quảng Ngãi"
	full := f.Width(agency, size)

	if got := f.Wrap(agency, size, full); !slices.Equal(got, []string{agency}) {
		t.Errorf("exact width: %q", got)
	}
	if got := f.Wrap(agency, size, full+100); !slices.Equal(got, []string{agency}) {
		t.Errorf("wide box: %q", got)
	}
	// Just too narrow: the last word moves down.
	if got := f.Wrap(agency, size, full-0.01); !slices.Equal(got, []string{"Ủy ban nhân dân tỉnh Quảng", "Ngãi"}) {
		t.Errorf("narrow box: %q", got)
	}
	// A 100 pt box at 11 pt.
	got := f.Wrap(agency, size, 100)
	want := []string{"Ủy ban nhân dân tỉnh", "Quảng Ngãi"}
	if !slices.Equal(got, want) {
		t.Errorf("Wrap(100) = %q, want %q", got, want)
	}
	for _, l := range got {
		if w := f.Width(l, size); w > 100 {
			t.Errorf("line %q is %v pt wide", l, w)
		}
	}
	// Greedy: the first line would overflow with the next word.
	if w := f.Width("Ủy ban nhân dân tỉnh Quảng", size); w <= 100 {
		t.Errorf("first line could have taken another word (%v pt)", w)
	}
	// Each word alone when nothing else fits; an over-long word overflows.
	if got := f.Wrap("Nguyễn Thị Hằng", size, 1); !slices.Equal(got, []string{"Nguyễn", "Thị", "Hằng"}) {
		t.Errorf("tiny box: %q", got)
	}
	// NFD input comes back NFC; runs of spaces collapse; "\n" breaks;
	// a no-break space does not break.
	got = f.Wrap(norm.NFD.String("Nguyễn   Thị\nHằng\u00a0Nga  "), size, 1000)
	want = []string{"Nguyễn Thị", "Hằng\u00a0Nga"}
	if !slices.Equal(got, want) {
		t.Errorf("Wrap = %+q, want %+q", got, want)
	}
	for _, blank := range []string{"", "   ", "\n\n"} {
		if got := f.Wrap(blank, size, 100); got != nil {
			t.Errorf("Wrap(%q) = %q, want nil", blank, got)
		}
	}
	if got := f.Wrap("a\n\nb", size, 100); !slices.Equal(got, []string{"a", "", "b"}) {
		t.Errorf("empty paragraph: %q", got)
	}
}

// TestWrapKeepsWords checks that wrapping neither loses nor reorders words.
func TestWrapKeepsWords(t *testing.T) {
	f := LiberationSerif()
	text := "Cộng hòa Xã hội Chủ nghĩa Việt Nam Độc lập - Tự do - Hạnh phúc"
	for _, w := range []float64{0, 20, 50, 80, 120, 200, 1000} {
		lines := f.Wrap(text, 12, w)
		if got := strings.Join(lines, " "); got != text {
			t.Errorf("width %v: %q", w, lines)
		}
		for _, l := range lines {
			if strings.Contains(l, " ") && f.Width(l, 12) > w {
				t.Errorf("width %v: multi-word line %q too wide", w, l)
			}
		}
	}
}
