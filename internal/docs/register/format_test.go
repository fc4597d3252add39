package register

import (
	"github.com/kyso-vn/kyso/internal/i18n"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/textnorm"
	"golang.org/x/text/unicode/norm"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1, "01"},
		{5, "05"},
		{9, "09"},
		{10, "10"},
		{12, "12"},
		{99, "99"},
		{100, "100"},
		{1277, "1277"},
		{123456, "123456"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.n); got != tt.want {
			t.Errorf("FormatNumber(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestSymbol(t *testing.T) {
	tests := []struct {
		name               string
		n                  int
		typ, agency, unit  string
		want               string
		wantKey, wantField string
	}{
		{"a decision takes the type and the agency", 5, "QĐ", "UBND", "", "05/QĐ-UBND", "", ""},
		{"a report of an office", 12, "BC", "VP", "", "12/BC-VP", "", ""},
		{"the drafting unit comes last", 15, "QĐ", "UBND", "VP", "15/QĐ-UBND-VP", "", ""},
		{"a công văn has no type abbreviation", 1277, "", "STTTT", "BCVT&CNTT", "1277/STTTT-BCVT&CNTT", "", ""},
		{"Appendix I example QĐ-BNV", 15, "QĐ", "BNV", "", "15/QĐ-BNV", "", ""},
		{"Appendix I example công văn BNV-VP", 5, "", "BNV", "VP", "05/BNV-VP", "", ""},
		{"Appendix I example công văn UBND-VX", 12, "", "UBND", "VX", "12/UBND-VX", "", ""},
		{"lower-case letters inside abbreviations", 3, "QyĐ", "TTg", "", "03/QyĐ-TTg", "", ""},
		{"dots and digits are allowed", 7, "TTr", "UBND", "P.KT2", "07/TTr-UBND-P.KT2", "", ""},
		{"a number at 30 characters of notation", 1, "TTr", "ABCDEFGHIJKLMNOPQRST", "ABCDE", "01/TTr-ABCDEFGHIJKLMNOPQRST-ABCDE", "", ""},

		{"number zero is refused", 0, "QĐ", "UBND", "", "", "register.number_invalid", "number"},
		{"a negative number is refused", -3, "QĐ", "UBND", "", "", "register.number_invalid", "number"},
		{"the agency is required", 1, "QĐ", "", "VP", "", "register.agency_abbreviation_required", "agency_abbreviation"},
		{"a công văn needs its drafting unit", 1, "", "UBND", "", "", "register.unit_required", "unit_abbreviation"},
		{"no space inside", 1, "Q Đ", "UBND", "", "", "register.abbreviation_invalid", "type_abbreviation"},
		{"no leading space", 1, "QĐ", " UBND", "", "", "register.abbreviation_invalid", "agency_abbreviation"},
		{"no slash", 1, "QĐ", "UBND/VP", "", "", "register.abbreviation_invalid", "agency_abbreviation"},
		{"no dash inside a part", 1, "QĐ", "UBND", "V-P", "", "register.abbreviation_invalid", "unit_abbreviation"},
		{"no eth posing as Đ", 1, "QÐ", "UBND", "", "", "register.abbreviation_invalid", "type_abbreviation"},
		{"no non-Latin letters", 1, "QĐ", "УБНД", "", "", "register.abbreviation_invalid", "agency_abbreviation"},
		{"NFD is refused, not silently kept", 1, "QĐ", "UBND", norm.NFD.String("KẾT"), "", "register.abbreviation_not_nfc", "unit_abbreviation"},
		{"a part over 20 characters", 1, "QĐ", "ABCDEFGHIJKLMNOPQRSTU", "", "", "register.abbreviation_too_long", "agency_abbreviation"},
		{"a notation over 30 characters", 1, "TTr", "ABCDEFGHIJKLMNOPQRST", "ABCDEFG", "", "register.notation_too_long", "unit_abbreviation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Symbol(tt.n, tt.typ, tt.agency, tt.unit)
			if tt.wantKey == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Symbol(%d, %q, %q, %q) = %q, %v; want %q", tt.n, tt.typ, tt.agency, tt.unit, got, err, tt.want)
				}
				if !textnorm.IsNFC(got) {
					t.Errorf("%q is not NFC", got)
				}
				return
			}
			checkAppErr(t, err, apperr.Invalid, tt.wantKey, tt.wantField)
			if got != "" {
				t.Errorf("a refused symbol came with text %q", got)
			}
		})
	}
}

func TestNumberLine(t *testing.T) {
	s, err := Symbol(5, "QĐ", "UBND", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := NumberLine(s); got != "Số: 05/QĐ-UBND" {
		t.Errorf("NumberLine = %q", got)
	}
}

func TestLegalSymbol(t *testing.T) {
	tests := []struct {
		n, year              int
		typ, agency          string
		want, wantKey, field string
	}{
		{30, 2020, "NĐ", "CP", "30/2020/NĐ-CP", "", ""},
		{20, 2020, "QĐ", "TTg", "20/2020/QĐ-TTg", "", ""},
		{1, 2026, "NQ", "HĐND", "01/2026/NQ-HĐND", "", ""},
		{1, 2026, "", "HĐND", "", "register.type_abbreviation_required", "type_abbreviation"},
		{1, 1800, "NQ", "HĐND", "", "register.year_invalid", "year"},
		{0, 2026, "NQ", "HĐND", "", "register.number_invalid", "number"},
	}
	for _, tt := range tests {
		got, err := LegalSymbol(tt.n, tt.year, tt.typ, tt.agency)
		if tt.wantKey == "" {
			if err != nil || got != tt.want {
				t.Errorf("LegalSymbol(%d, %d, %q, %q) = %q, %v; want %q", tt.n, tt.year, tt.typ, tt.agency, got, err, tt.want)
			}
			continue
		}
		checkAppErr(t, err, apperr.Invalid, tt.wantKey, tt.field)
	}
}

func TestDateLine(t *testing.T) {
	newYork := time.FixedZone("EST", -5*3600)
	tests := []struct {
		name  string
		place string
		t     time.Time
		want  string
	}{
		{"March has no leading zero", "Quảng Ngãi", time.Date(2026, 3, 5, 9, 0, 0, 0, vietnam), "Quảng Ngãi, ngày 05 tháng 3 năm 2026"},
		{"January has one", "Hà Nội", time.Date(2020, 1, 5, 9, 0, 0, 0, vietnam), "Hà Nội, ngày 05 tháng 01 năm 2020"},
		{"February has one", "Hà Nội", time.Date(2024, 2, 29, 9, 0, 0, 0, vietnam), "Hà Nội, ngày 29 tháng 02 năm 2024"},
		{"days from 10 have none", "Huế", time.Date(2026, 10, 10, 9, 0, 0, 0, vietnam), "Huế, ngày 10 tháng 10 năm 2026"},
		{"November", "Đà Nẵng", time.Date(2026, 11, 1, 9, 0, 0, 0, vietnam), "Đà Nẵng, ngày 01 tháng 11 năm 2026"},
		{"December", "Cần Thơ", time.Date(2026, 12, 9, 9, 0, 0, 0, vietnam), "Cần Thơ, ngày 09 tháng 12 năm 2026"},
		{"the Vietnam date of a UTC evening is the next day", "Quảng Ngãi", time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC), "Quảng Ngãi, ngày 05 tháng 3 năm 2026"},
		{"31 Dec 23:30 UTC is New Year's Day in Vietnam", "Quảng Ngãi", time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), "Quảng Ngãi, ngày 01 tháng 01 năm 2026"},
		{"16:59 UTC on 31 Dec is still the old year", "Quảng Ngãi", time.Date(2025, 12, 31, 16, 59, 59, 0, time.UTC), "Quảng Ngãi, ngày 31 tháng 12 năm 2025"},
		{"any location is converted", "Quảng Ngãi", time.Date(2026, 2, 28, 20, 0, 0, 0, newYork), "Quảng Ngãi, ngày 01 tháng 3 năm 2026"},
		{"the place is tidied and NFC", "  " + norm.NFD.String("Quảng   Ngãi") + " ", time.Date(2026, 3, 5, 9, 0, 0, 0, vietnam), "Quảng Ngãi, ngày 05 tháng 3 năm 2026"},
		{"no place, only the date", "", time.Date(2026, 3, 5, 9, 0, 0, 0, vietnam), "ngày 05 tháng 3 năm 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DateLine(tt.place, tt.t)
			if got != tt.want {
				t.Errorf("DateLine(%q, %v) = %q, want %q", tt.place, tt.t, got, tt.want)
			}
			if !textnorm.IsNFC(got) {
				t.Errorf("%q is not NFC", got)
			}
		})
	}
}

func TestYearOf(t *testing.T) {
	tests := []struct {
		t    time.Time
		want int
	}{
		{time.Date(2025, 12, 31, 16, 59, 59, 999999999, time.UTC), 2025},
		{time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC), 2026},
		{time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), 2026},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, vietnam), 2026},
		{time.Date(2025, 12, 31, 23, 59, 59, 0, vietnam), 2025},
		{time.Date(2025, 12, 31, 12, 0, 0, 0, time.FixedZone("EST", -5*3600)), 2026},
	}
	for _, tt := range tests {
		if got := YearOf(tt.t); got != tt.want {
			t.Errorf("YearOf(%v) = %d, want %d", tt.t, got, tt.want)
		}
	}
	k := NewKey("a", Outgoing, SeriesDefault, time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC))
	if k.Year != 2026 {
		t.Errorf("NewKey year = %d, want 2026", k.Year)
	}
}

func TestSeriesFor(t *testing.T) {
	admin := DocType{Code: "quyet_dinh", Abbreviation: "QĐ"}
	legal := DocType{Code: "quyet_dinh_qppl", Abbreviation: "QĐ", Legal: true}
	tests := []struct {
		t      DocType
		secret bool
		want   string
	}{
		{admin, false, SeriesDefault},
		{admin, true, SeriesSecret},
		{legal, false, "type:quyet_dinh_qppl"},
		{legal, true, SeriesSecret},
	}
	for _, tt := range tests {
		got := SeriesFor(tt.t, tt.secret)
		if got != tt.want {
			t.Errorf("SeriesFor(%s, secret=%v) = %q, want %q", tt.t.Code, tt.secret, got, tt.want)
		}
		if !seriesPattern.MatchString(got) {
			t.Errorf("SeriesFor gives %q, which Next refuses", got)
		}
	}
}

// checkAppErr fails unless err is an *apperr.Error of kind k, key and
// field, whose message exists in both languages.
func checkAppErr(t *testing.T, err error, k apperr.Kind, key, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("error %v (%T), want an apperr with key %s", err, err, key)
	}
	if e.Kind != k || e.Key != key || e.Field != field {
		t.Fatalf("error kind %s key %s field %q, want %s %s %q", e.Kind, e.Key, e.Field, k, key, field)
	}
	if !i18n.Has(key) {
		t.Errorf("key %s has no message", key)
	}
}
