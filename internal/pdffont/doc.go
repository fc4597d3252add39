// Package pdffont measures, encodes and subsets TrueType fonts for text
// in PDF appearance streams, so that visible signatures can show
// Vietnamese names, agencies and signing times.
//
// The standard 14 fonts of PDF use single-byte encodings (WinAnsi and
// friends) that have no Vietnamese letters, so kyso embeds its own font,
// Liberation Serif (metric-compatible with Times New Roman), as a Type0
// font with /Encoding /Identity-H over a CIDFontType2 with /CIDToGIDMap
// /Identity (ISO 32000-1 §9.7): each character code is two bytes, equal
// to the glyph ID. Text is NFC-normalised, and every precomposed
// Vietnamese letter has its own glyph, so no shaping engine is needed.
//
// Use: for one appearance, start a Subset, Encode (or Add) every text
// drawn with the font, then build the objects from FontFile2 (the
// font program, a valid TrueType font holding only the used outlines),
// Widths (/W), ToUnicodeCMap (the /ToUnicode stream), BaseFont and the
// Font's Metrics (/FontDescriptor). Width and Wrap lay text out in a box
// with the same widths the viewer will use. Store FontFile2 with
// /FlateDecode and /Length1: a subset for a typical appearance is about
// 20 KB raw, mostly zeros in loca and hmtx, and 3–4 KB deflated.
//
// The boundary. This package knows fonts, not PDF files: it returns bytes
// and numbers, and the caller (the signing code, with package pdf) builds
// the dictionaries and streams, chooses compression, and writes the
// content stream. It never drops or replaces a character it cannot draw:
// that is a *MissingGlyphError, so a wrong name never appears silently.
// It does no bidirectional text, shaping, kerning or hyphenation.
package pdffont
