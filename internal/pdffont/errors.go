package pdffont

import (
	"errors"
	"fmt"
)

// ErrMissingGlyph is matched (errors.Is) by every MissingGlyphError.
var ErrMissingGlyph = errors.New("pdffont: missing glyph")

// ErrInvalidUTF8 means the text given to Encode or Subset.Add is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("pdffont: text is not valid UTF-8")

// MissingGlyphError names a character the font cannot draw. Text is never
// dropped or replaced silently: an appearance that lost a letter of a
// signer's name would misstate who signed.
type MissingGlyphError struct {
	Font string // PostScript name of the font
	Rune rune   // the character, after NFC normalisation
}

// Error describes the missing character with its code point, so that an
// operator can see which character of a name or title is the problem.
func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("pdffont: font %s has no glyph for %U %q", e.Font, e.Rune, e.Rune)
}

// Unwrap makes errors.Is(err, ErrMissingGlyph) true.
func (e *MissingGlyphError) Unwrap() error { return ErrMissingGlyph }
