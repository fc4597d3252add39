package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on the search text. A person types a few words; the bounds keep a
// pasted page or a script from building a query that walks the whole index
// once per word.
const (
	// MaxQueryRunes is the longest search text accepted, in characters.
	MaxQueryRunes = 256
	// MaxQueryTerms is the most words and quoted phrases in one search.
	MaxQueryTerms = 16
)

// term is one condition of a search: a word, or a phrase of consecutive
// tokens (from a quoted phrase, or from a word such as "05/QĐ-UBND" that
// folds into several tokens). Every term must match.
type term struct {
	tokens []string
	// prefix makes the last token match any token that starts with it, so
	// that results follow the user's typing.
	prefix bool
}

// minPrefixRunes is the shortest last token matched as a prefix: a single
// letter would match most of the index and tell nothing.
const minPrefixRunes = 2

// parseText turns the user's search text into terms: whitespace separates
// words, double quotes (straight or curly) delimit phrases, everything else
// that is neither letter nor digit only separates tokens. Operators of either
// engine's query syntax (AND, OR, NOT, NEAR, -, *, parentheses, colons) are
// thus plain words or separators: user input is never query syntax.
//
// The last term matches as a prefix when the text ends with a letter or a
// digit, so that results follow the user's typing.
func parseText(text string) ([]term, error) {
	if len(text) > MaxQueryRunes*utf8.UTFMax || utf8.RuneCountInString(text) > MaxQueryRunes {
		return nil, fmt.Errorf("%w: the search text is longer than %d characters; shorten it or use the filters", ErrInvalidQuery, MaxQueryRunes)
	}
	text = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u00ab", `"`, "\u00bb", `"`).Replace(text)
	var terms []term
	for i, seg := range strings.Split(text, `"`) {
		if i%2 == 1 { // inside quotes: one phrase
			if toks := appendTokens(nil, seg); len(toks) > 0 {
				terms = append(terms, term{tokens: toks})
			}
			continue
		}
		for _, w := range strings.FieldsFunc(seg, unicode.IsSpace) {
			if toks := appendTokens(nil, w); len(toks) > 0 {
				terms = append(terms, term{tokens: toks})
			}
		}
	}
	if len(terms) == 0 {
		if strings.TrimSpace(text) != "" {
			return nil, fmt.Errorf("%w: the search text has no letters or digits", ErrInvalidQuery)
		}
		return nil, nil
	}
	// The last word is still being typed when the text ends inside it; a
	// space, a closing quote or a full stop after it says it is complete.
	r, _ := utf8.DecodeLastRuneInString(text)
	if last := &terms[len(terms)-1]; isTokenRune(r) && utf8.RuneCountInString(last.tokens[len(last.tokens)-1]) >= minPrefixRunes {
		last.prefix = true
	}
	terms = dedupTerms(terms)
	if len(terms) > MaxQueryTerms {
		return nil, fmt.Errorf("%w: the search has more than %d words; remove some or use the filters", ErrInvalidQuery, MaxQueryTerms)
	}
	return terms, nil
}

// dedupTerms drops repeated terms ("so so"), which add nothing to an AND
// but cost a walk of their doclist.
func dedupTerms(terms []term) []term {
	out := terms[:0]
	for _, t := range terms {
		if !slices.ContainsFunc(out, func(u term) bool { return u.prefix == t.prefix && slices.Equal(u.tokens, t.tokens) }) {
			out = append(out, t)
		}
	}
	return out
}

// fts5Terms renders terms as an FTS5 expression: each term a double-quoted
// string (a phrase when it has several tokens), "*" after a prefix term,
// all joined by AND. Tokens hold only letters and digits; a '"' inside one
// would still be doubled, so the string can never end early.
func fts5Terms(terms []term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		writeFTS5Phrase(&b, t.tokens)
		if t.prefix {
			b.WriteString(" *")
		}
	}
	return b.String()
}

// writeFTS5Phrase writes tokens as one FTS5 string.
func writeFTS5Phrase(b *strings.Builder, tokens []string) {
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(strings.Join(tokens, " "), `"`, `""`))
	b.WriteByte('"')
}

// tsqueryTerms renders terms as tsquery input: lexemes quoted, phrases
// joined by <->, a prefix lexeme marked :*, terms joined by &.
func tsqueryTerms(terms []term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('(')
		for j, tok := range t.tokens {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			writeTSLexeme(&b, tok)
			if t.prefix && j == len(t.tokens)-1 {
				b.WriteString(":*")
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
