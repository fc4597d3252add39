package search

import (
	"errors"
	"strings"
	"testing"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		fts5    string
		tsquery string
	}{
		{"words are ANDed, the last one a prefix", "ký số", `"ky" AND "so" *`, `('ky') & ('so':*)`},
		{"a trailing space ends the last word", "ký số ", `"ky" AND "so"`, `('ky') & ('so')`},
		{"a full stop ends the last word", "ký số.", `"ky" AND "so"`, `('ky') & ('so')`},
		{"one letter is never a prefix", "quyet d", `"quyet" AND "d"`, `('quyet') & ('d')`},
		{"đ folds to d", "Điều hành", `"dieu" AND "hanh" *`, `('dieu') & ('hanh':*)`},
		{"a word with punctuation is a phrase", "05/QĐ-UBND", `"05 qd ubnd" *`, `('05' <-> 'qd' <-> 'ubnd':*)`},
		{"quoted phrase", `"chữ ký số" chuyên`, `"chu ky so" AND "chuyen" *`, `('chu' <-> 'ky' <-> 'so') & ('chuyen':*)`},
		{"a closed phrase is complete", `"chữ ký số"`, `"chu ky so"`, `('chu' <-> 'ky' <-> 'so')`},
		{"an open phrase is being typed", `"chữ ký số`, `"chu ky so" *`, `('chu' <-> 'ky' <-> 'so':*)`},
		{"curly quotes", "“chữ ký” số", `"chu ky" AND "so" *`, `('chu' <-> 'ky') & ('so':*)`},
		{"operators are words", "ky OR so NEAR chu", `"ky" AND "or" AND "so" AND "near" AND "chu" *`, `('ky') & ('or') & ('so') & ('near') & ('chu':*)`},
		{"syntax characters separate", `ky* -so (chu) {meta}:x ^y 'z' \a`, `"ky" AND "so" AND "chu" AND "meta x" AND "y" AND "z" AND "a"`, `('ky') & ('so') & ('chu') & ('meta' <-> 'x') & ('y') & ('z') & ('a')`},
		{"repeated words count once", "so so số", `"so" AND "so" *`, `('so') & ('so':*)`},
		{"blank", "  ", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms, err := parseText(tt.text)
			if err != nil {
				t.Fatalf("parseText(%q): %v", tt.text, err)
			}
			if got := fts5Terms(terms); got != tt.fts5 {
				t.Errorf("FTS5 %q, want %q", got, tt.fts5)
			}
			if got := tsqueryTerms(terms); got != tt.tsquery {
				t.Errorf("tsquery %q, want %q", got, tt.tsquery)
			}
		})
	}
}

func TestParseTextErrors(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("ab ", MaxQueryRunes),
		strings.Repeat("ố", MaxQueryRunes+1),
		"*** ---",
		`"" ()`,
	} {
		if _, err := parseText(text); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("parseText(%.20q…): %v, want ErrInvalidQuery", text, err)
		}
	}
}

func TestTSVector(t *testing.T) {
	b := newTSVectorBuilder()
	b.add([]string{"quyet", "dinh", "so", "05"})
	b.gap()
	b.add([]string{"so", "it's"})
	if got, want := b.String(), `'quyet':1 'dinh':2 'so':3,6 '05':4 'it\'s':7`; got != want {
		t.Errorf("tsvector %q, want %q", got, want)
	}
	// Positions stop at PostgreSQL's maximum, and each lexeme keeps at most
	// 256 of them.
	b = newTSVectorBuilder()
	for range 20000 {
		b.add([]string{"x"})
	}
	b.add([]string{"y"})
	if got := b.pos["x"]; len(got) != maxTSPosCount {
		t.Errorf("x has %d positions, want %d", len(got), maxTSPosCount)
	}
	if got := b.pos["y"]; len(got) != 1 || got[0] != maxTSPos {
		t.Errorf("y at %v, want [%d]", got, maxTSPos)
	}
}

func TestTokens(t *testing.T) {
	got := strings.Join(appendTokens(nil, "Số: 05/QĐ-UBND, ngày 10/3/2025 — “Chữ ký số” "+strings.Repeat("x", 100)), "|")
	want := "so|05|qd|ubnd|ngay|10|3|2025|chu|ky|so|" + strings.Repeat("x", maxTokenBytes)
	if got != want {
		t.Errorf("tokens %q, want %q", got, want)
	}
}
