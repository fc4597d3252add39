package pdffont

import (
	"testing"
)

func TestEmbeddedFonts(t *testing.T) {
	for _, tc := range []struct {
		font   *Font
		name   string
		stemV  int
		glyphs int
		italic bool
	}{
		{LiberationSerif(), "LiberationSerif", 88, 2602, false},
		{LiberationSerifBold(), "LiberationSerif-Bold", 166, 2602, false},
		{LiberationSerifItalic(), "LiberationSerif-Italic", 88, 2610, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.font
			if got := f.PostScriptName(); got != tc.name {
				t.Errorf("PostScriptName = %q, want %q", got, tc.name)
			}
			if f.NumGlyphs() != tc.glyphs {
				t.Errorf("NumGlyphs = %d, want %d", f.NumGlyphs(), tc.glyphs)
			}
			m := f.Metrics()
			// Liberation Serif matches Times New Roman: ascent 1825/2048,
			// descent -443/2048, capitals 1341/2048.
			if m.Ascent != 891 || m.Descent != -216 || m.CapHeight != 655 || m.XHeight != 459 {
				t.Errorf("Metrics = %+v", m)
			}
			if m.Leading != 1150 || (m.ItalicAngle != 0) != tc.italic || m.StemV != tc.stemV {
				t.Errorf("Metrics = %+v", m)
			}
			want := uint32(FlagSerif | FlagSymbolic)
			if tc.italic {
				want |= FlagItalic
			}
			if m.Flags != want {
				t.Errorf("Flags = %d, want %d", m.Flags, want)
			}
			if m.FontBBox[0] >= 0 || m.FontBBox[1] >= m.Descent || m.FontBBox[2] <= 1000 || m.FontBBox[3] <= m.Ascent {
				t.Errorf("FontBBox = %v", m.FontBBox)
			}
		})
	}
	if LiberationSerif() != LiberationSerif() {
		t.Error("LiberationSerif parses more than once")
	}
}

func TestParseRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"short":     []byte("\x00\x01\x00\x00"),
		"CFF":       append([]byte("OTTO"), make([]byte, 20)...),
		"not font":  []byte("%PDF-1.7\n%%EOF\n"),
		"truncated": liberationSerifRegular[:5000],
	} {
		if _, err := Parse(data); err == nil {
			t.Errorf("Parse(%s) succeeded", name)
		}
	}
}

// TestConcurrentUse: a Font is shared by all signing requests.
func TestConcurrentUse(t *testing.T) {
	f := LiberationSerif()
	want, _ := f.Encode(textAgency)
	done := make(chan []byte)
	for range 8 {
		go func() {
			var last []byte
			for range 50 {
				s := f.NewSubset()
				last, _ = s.Encode(textAgency)
				_ = f.Width(textName, 12)
				if _, err := s.FontFile2(); err != nil {
					t.Error(err)
				}
			}
			done <- last
		}()
	}
	for range 8 {
		if got := <-done; string(got) != string(want) {
			t.Errorf("concurrent Encode = %x, want %x", got, want)
		}
	}
}
