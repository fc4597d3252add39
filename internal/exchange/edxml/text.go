package edxml

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kyso-vn/kyso/internal/textnorm"
)

// vietnam is Indochina Time, UTC+07:00. edXML dates and timestamps carry no
// zone; they are Vietnamese civil time. Vietnam has kept +07:00 without
// daylight saving since 1975, so a fixed zone is exact and needs no tzdata.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Date is a calendar date without a time of day: PromulgationDate (ngày ban
// hành) and DueDate (hạn xử lý) are dates in the standard, and a time.Time
// would invite time-zone mistakes that move a document to the previous day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in Vietnam (UTC+07:00).
func DateOf(t time.Time) Date {
	y, m, d := t.In(vietnam).Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date, meaning "absent".
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as edXML writes dates, yyyy/MM/dd.
func (d Date) String() string {
	return fmt.Sprintf("%04d/%02d/%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight at the start of d in Vietnam.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, vietnam)
}

// valid reports whether d is a real calendar date in a plausible range.
func (d Date) valid() bool {
	if d.Year < 1945 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return DateOf(d.Time()) == d // rejects 2026/02/30
}

const (
	dateLayout      = "2006/01/02"
	timestampLayout = "2006/01/02 15:04:05"
	// Some deployed systems write day first (dd/MM/yyyy); the year's
	// position makes the two unambiguous, so Parse accepts both.
	dateLayoutDMY      = "02/01/2006"
	timestampLayoutDMY = "02/01/2006 15:04:05"
)

// parseDate reads yyyy/MM/dd (or dd/MM/yyyy).
func parseDate(s string) (Date, error) {
	layout := dateLayout
	if len(s) == len(dateLayoutDMY) && strings.IndexByte(s, '/') == 2 {
		layout = dateLayoutDMY
	}
	t, err := time.ParseInLocation(layout, s, vietnam)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form yyyy/MM/dd", s)
	}
	d := DateOf(t)
	if !d.valid() {
		return Date{}, fmt.Errorf("%q is out of range", s)
	}
	return d, nil
}

// formatTimestamp writes t as edXML timestamps are written: Vietnamese civil
// time, to the second, yyyy/MM/dd HH:mm:ss.
func formatTimestamp(t time.Time) string { return t.In(vietnam).Format(timestampLayout) }

// normTimestamp is what a timestamp becomes after a round trip through
// formatTimestamp and parseTimestamp.
func normTimestamp(t time.Time) time.Time { return t.In(vietnam).Truncate(time.Second) }

// parseTimestamp reads yyyy/MM/dd HH:mm:ss (or dd/MM/yyyy HH:mm:ss) as
// Vietnamese civil time.
func parseTimestamp(s string) (time.Time, error) {
	layout := timestampLayout
	if strings.IndexByte(s, '/') == 2 {
		layout = timestampLayoutDMY
	}
	t, err := time.ParseInLocation(layout, s, vietnam)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a timestamp of the form yyyy/MM/dd HH:mm:ss", s)
	}
	if y := t.Year(); y < 1945 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t, nil
}

// parseCount reads a non-negative decimal number; an empty element is 0.
func parseCount(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%q is not a non-negative whole number", s)
	}
	return n, nil
}

// normalizer puts the text fields of a message into the form kyso signs:
// valid UTF-8 in NFC (the project's one normalisation rule, package
// textnorm), only characters XML 1.0 can carry, identifiers trimmed. It
// keeps the first error so callers can run it over every field and check
// once.
type normalizer struct{ err error }

// text normalises free text (subject, content, names). Leading and trailing
// white space is kept: it is part of what the sender signed.
func (n *normalizer) text(field string, p *string) {
	if n.err != nil || *p == "" {
		return
	}
	if !utf8.ValidString(*p) {
		n.err = fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, field)
		return
	}
	s := textnorm.NFC(*p)
	if r, ok := firstNonXMLChar(s); ok {
		n.err = fmt.Errorf("%w: %s contains the character U+%04X, which XML cannot carry", ErrInvalid, field, r)
		return
	}
	*p = s
}

// token normalises an identifier, code or name of a file: as text, then
// trimmed.
func (n *normalizer) token(field string, p *string) {
	n.text(field, p)
	if n.err == nil {
		*p = strings.TrimSpace(*p)
	}
}

// firstNonXMLChar returns the first rune of s outside the XML 1.0 Char
// production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]).
func firstNonXMLChar(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return r, true
		}
	}
	return 0, false
}
