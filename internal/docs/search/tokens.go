package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/textnorm"
)

// maxTokenBytes cuts longer tokens (base64 blobs, long digit runs in a PDF's
// text) so that neither engine sees a token it would refuse or store at
// length. A query token is cut the same way, so it still matches.
const maxTokenBytes = 64

// isTokenRune reports whether r belongs to a token: letters, digits and
// private-use characters, which is what SQLite's unicode61 tokenizer keeps
// by default ("L* N* Co"). Everything else separates tokens, and so does
// U+E000, which starts the filter tags in the SQLite index (sqlite.go), so
// that no word can ever be a tag.
func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return r != 0xe000 && (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r))
}

// appendTokens folds s and appends its tokens to dst.
func appendTokens(dst []string, s string) []string {
	return appendFoldedTokens(dst, textnorm.Fold(s))
}

// appendFoldedTokens appends the tokens of already folded text.
func appendFoldedTokens(dst []string, folded string) []string {
	start := -1
	for i, r := range folded {
		if isTokenRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = append(dst, cutToken(folded[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, cutToken(folded[start:]))
	}
	return dst
}

// cutToken shortens t to at most maxTokenBytes, on a rune boundary.
func cutToken(t string) string {
	if len(t) <= maxTokenBytes {
		return t
	}
	n := maxTokenBytes
	for n > 0 && !utf8.RuneStart(t[n]) {
		n--
	}
	return t[:n]
}

// tsvector limits (PostgreSQL src/include/tsearch/ts_type.h): positions
// above maxTSPos are stored as maxTSPos, a lexeme keeps at most maxTSPosCount
// positions, and the whole value must stay under 1 MB.
const (
	maxTSPos      = 16383
	maxTSPosCount = 256
	maxTSBytes    = 768 << 10 // our budget, with room for PostgreSQL's headers
)

// tsvectorBuilder builds the text form of a tsvector from tokens, with
// positions, so that PostgreSQL stores exactly the tokens SQLite indexes.
type tsvectorBuilder struct {
	order []string         // lexemes in first-seen order
	pos   map[string][]int // positions of each lexeme, ascending
	next  int              // the next position
	size  int              // estimated bytes of the stored tsvector
}

func newTSVectorBuilder() *tsvectorBuilder {
	return &tsvectorBuilder{pos: make(map[string][]int), next: 1}
}

// add appends tokens at the following positions.
func (b *tsvectorBuilder) add(tokens []string) {
	for _, t := range tokens {
		p := min(b.next, maxTSPos)
		b.next++
		ps, seen := b.pos[t]
		if !seen {
			// A new lexeme costs its bytes plus an entry header; stop adding
			// new ones before PostgreSQL would refuse the value. Positions
			// of known lexemes are cheap and bounded by maxTSPosCount.
			if b.size+len(t)+8 > maxTSBytes {
				continue
			}
			b.size += len(t) + 8
			b.order = append(b.order, t)
		}
		if len(ps) >= maxTSPosCount || len(ps) > 0 && ps[len(ps)-1] == p {
			continue
		}
		b.pos[t] = append(ps, p)
		b.size += 2
	}
}

// gap leaves a hole in the positions, so that a phrase cannot match across
// two fields (the metadata and the body).
func (b *tsvectorBuilder) gap() { b.next++ }

// String renders the tsvector input syntax: 'lexeme':1,5 'other':2.
func (b *tsvectorBuilder) String() string {
	var s strings.Builder
	for i, t := range b.order {
		if i > 0 {
			s.WriteByte(' ')
		}
		writeTSLexeme(&s, t)
		for j, p := range b.pos[t] {
			if j == 0 {
				s.WriteByte(':')
			} else {
				s.WriteByte(',')
			}
			s.WriteString(strconv.Itoa(p))
		}
	}
	return s.String()
}

// writeTSLexeme quotes a lexeme for tsvector and tsquery input. Tokens hold
// only letters and digits, but quote and backslash are escaped anyway so
// that the syntax can never be broken whatever a token holds.
func writeTSLexeme(s *strings.Builder, t string) {
	s.WriteByte('\'')
	for i := 0; i < len(t); i++ {
		if c := t[i]; c == '\'' || c == '\\' {
			s.WriteByte('\\')
		}
		s.WriteByte(t[i])
	}
	s.WriteByte('\'')
}
