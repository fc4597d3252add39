package register

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// vietnam is Vietnam's time zone. A fixed UTC+7 rather than
// time.LoadLocation("Asia/Ho_Chi_Minh"): the offset has not changed since
// 1975, and a fixed zone cannot fail on a host without tzdata (a scratch
// container, Windows), so the year a number belongs to never depends on how
// the server was installed. The web pages and the PDF stamp use the same.
var vietnam = time.FixedZone("ICT", 7*3600)

// YearOf is the register year of a document issued or received at t: the
// calendar year in Vietnam time. 31 December 23:30 UTC is 1 January 06:30
// in Vietnam, so that document opens the next year's register.
func YearOf(t time.Time) int { return t.In(vietnam).Year() }

// FormatNumber writes a register number as documents show it: Arabic
// digits with a leading zero below 10 (Appendix I: "01", "09", "10",
// "1277"). Numbers start at 1; anything smaller is written as is.
func FormatNumber(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// MaxNotation is the longest ký hiệu (the part after "/"), in characters:
// CodeNotation is String 30 in the metadata of Appendix VI and in edXML, so
// a longer symbol could not be sent on the exchange axis.
const MaxNotation = 30

// maxAbbreviation bounds one part of a symbol, as org does for agency and
// department abbreviations.
const maxAbbreviation = 20

// Symbol returns a document's number and symbol ("số, ký hiệu") as
// Appendix I writes it: the number, "/", then the abbreviations of the type,
// the issuing agency and, when given, the drafting unit, joined by "-",
// with no spaces:
//
//	Symbol(5, "QĐ", "UBND", "")         = "05/QĐ-UBND"
//	Symbol(15, "QĐ", "UBND", "VP")      = "15/QĐ-UBND-VP"
//	Symbol(1277, "", "STTTT", "BCVT&CNTT") = "1277/STTTT-BCVT&CNTT"
//
// A công văn has no type abbreviation: its symbol is the agency's and the
// drafting unit's abbreviations, so typeAbbrev "" requires unitAbbrev.
// Each abbreviation must be NFC, without spaces, "/" or "-" (those separate
// the parts); the ký hiệu may have at most MaxNotation characters.
func Symbol(n int, typeAbbrev, agencyAbbrev, unitAbbrev string) (string, error) {
	if n < 1 {
		return "", apperr.InvalidField("number", "register.number_invalid")
	}
	notation, err := notation(typeAbbrev, agencyAbbrev, unitAbbrev)
	if err != nil {
		return "", err
	}
	return FormatNumber(n) + "/" + notation, nil
}

// LegalSymbol returns the symbol of a legal normative document, which
// carries the year between the number and the notation, as in 30/2020/NĐ-CP
// or 20/2020/QĐ-TTg. Such documents have their own series (Art. 15); the
// form of their symbol comes from the law on legal normative documents,
// not from Decree 30.
func LegalSymbol(n, year int, typeAbbrev, agencyAbbrev string) (string, error) {
	if n < 1 {
		return "", apperr.InvalidField("number", "register.number_invalid")
	}
	if err := checkYear(year); err != nil {
		return "", err
	}
	if typeAbbrev == "" {
		return "", apperr.InvalidField("type_abbreviation", "register.type_abbreviation_required")
	}
	notation, err := notation(typeAbbrev, agencyAbbrev, "")
	if err != nil {
		return "", err
	}
	return FormatNumber(n) + "/" + strconv.Itoa(year) + "/" + notation, nil
}

// notation builds the ký hiệu: type, agency and unit abbreviations joined
// by "-", empty parts left out.
func notation(typeAbbrev, agencyAbbrev, unitAbbrev string) (string, error) {
	if agencyAbbrev == "" {
		return "", apperr.InvalidField("agency_abbreviation", "register.agency_abbreviation_required")
	}
	if typeAbbrev == "" && unitAbbrev == "" {
		return "", apperr.InvalidField("unit_abbreviation", "register.unit_required")
	}
	parts := make([]string, 0, 3)
	for _, p := range []struct{ field, s string }{
		{"type_abbreviation", typeAbbrev},
		{"agency_abbreviation", agencyAbbrev},
		{"unit_abbreviation", unitAbbrev},
	} {
		if p.s == "" {
			continue
		}
		if err := checkAbbreviation(p.s); err != nil {
			return "", err.WithField(p.field)
		}
		parts = append(parts, p.s)
	}
	s := strings.Join(parts, "-")
	if utf8.RuneCountInString(s) > MaxNotation {
		return "", apperr.InvalidField("unit_abbreviation", "register.notation_too_long", s, MaxNotation)
	}
	return s, nil
}

// checkAbbreviation accepts what Appendix I's symbols are made of: letters
// (Vietnamese ones included, and lower case, as in QyĐ, TTr or TTg), digits,
// '&' and '.' (SNN&PTNT, BCVT&CNTT). '/' and '-' separate the parts of a
// symbol and spaces are forbidden, so none of them may appear inside one.
// The text must already be NFC: an abbreviation that is stored NFD would
// make two symbols that look the same compare different.
func checkAbbreviation(s string) *apperr.Error {
	if !textnorm.IsNFC(s) {
		return apperr.New(apperr.Invalid, "register.abbreviation_not_nfc", s)
	}
	if utf8.RuneCountInString(s) > maxAbbreviation {
		return apperr.New(apperr.Invalid, "register.abbreviation_too_long", s, maxAbbreviation)
	}
	if s == "" {
		return apperr.New(apperr.Invalid, "register.abbreviation_invalid", s)
	}
	for _, r := range s {
		if !abbreviationRune(r) {
			return apperr.New(apperr.Invalid, "register.abbreviation_invalid", s)
		}
	}
	return nil
}

func abbreviationRune(r rune) bool {
	switch {
	case r >= '0' && r <= '9', r == '&', r == '.':
		return true
	case r == 'Ð' || r == 'ð':
		// U+00D0/U+00F0, the Icelandic eth, looks like Vietnamese Đ
		// (U+0110) and is what some font-based converters produce. A
		// symbol with it does not match the real one in any search.
		return false
	}
	return unicode.Is(unicode.Latin, r) && unicode.IsLetter(r)
}

// NumberLine is the "Số, ký hiệu" line of a document: "Số: 05/QĐ-UBND".
func NumberLine(symbol string) string { return "Số: " + symbol }

// DateLine is the place and date line of a document (Appendix I):
// "Quảng Ngãi, ngày 05 tháng 3 năm 2026". Days below 10 and the months
// January and February take a leading zero ("ngày 05 tháng 01 năm 2020",
// "tháng 02"); months 3 to 12 do not. The date is the one in Vietnam, whatever t's location. The place is
// tidied (spaces, NFC); an empty place leaves the date alone.
func DateLine(place string, t time.Time) string {
	t = t.In(vietnam)
	var b strings.Builder
	if place = textnorm.Clean(place); place != "" {
		b.WriteString(place)
		b.WriteString(", ")
	}
	b.WriteString("ngày ")
	b.WriteString(FormatNumber(t.Day()))
	b.WriteString(" tháng ")
	if m := int(t.Month()); m <= 2 {
		b.WriteString(FormatNumber(m))
	} else {
		b.WriteString(strconv.Itoa(m))
	}
	b.WriteString(" năm ")
	b.WriteString(strconv.Itoa(t.Year()))
	return b.String()
}
