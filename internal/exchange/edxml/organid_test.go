package edxml

import (
	"errors"
	"strings"
	"testing"
)

func TestParseOrganID(t *testing.T) {
	tests := []struct {
		in      string
		level   int
		errText string // a fragment the error must contain; "" for success
	}{
		{in: "000.00.00.G22", level: 1},              // Văn phòng Chính phủ
		{in: "000.00.00.H41", level: 1},              // UBND tỉnh Nghệ An
		{in: "000.00.18.G12", level: 2},              // Tổng cục Thuế
		{in: "000.00.31.H56", level: 2},              // a department of a province
		{in: "000.01.01.H08", level: 3},              // a level-3 unit
		{in: "123.45.67.Z99", level: 4},              // any letter, any digits
		{in: "", errText: "empty"},                   //
		{in: "000.00.31.h56", errText: "upper case"}, // lower-case letter
		{in: "000.00.31.H5", errText: "want 13"},     // short
		{in: "000.00.31.H567", errText: "want 13"},   // long
		{in: " 000.00.31.H56", errText: "want 13"},   // leading space
		{in: "000-00-31-H56", errText: "character 4"},
		{in: "0a0.00.31.H56", errText: "character 2"},
		{in: "000.00.31.156", errText: "level-1 letter"},
		{in: "000.00.31.HH6", errText: "character 12"},
		{in: "000.0.031.H56", errText: "character 6"},
		{in: "000.00.31.Đ5", errText: "level-1 letter"}, // 13 bytes, non-ASCII
		{in: "000000031H56x", errText: "character 4"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			id, err := ParseOrganID(tc.in)
			if tc.errText != "" {
				if err == nil {
					t.Fatalf("ParseOrganID(%q) = %v, want an error", tc.in, id)
				}
				if !errors.Is(err, ErrOrganID) {
					t.Errorf("error %q does not wrap ErrOrganID", err)
				}
				if !strings.Contains(err.Error(), tc.errText) {
					t.Errorf("error %q does not mention %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOrganID(%q): %v", tc.in, err)
			}
			if id.String() != tc.in {
				t.Errorf("String() = %q, want %q", id.String(), tc.in)
			}
			if id.Level() != tc.level {
				t.Errorf("Level() = %d, want %d", id.Level(), tc.level)
			}
		})
	}
	id, _ := ParseOrganID("000.00.31.H56")
	if id.Level1 != "H56" || id.Level2 != "31" || id.Level3 != "00" || id.Level4 != "000" {
		t.Errorf("parts of 000.00.31.H56: %+v", id)
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		err  bool
	}{
		{in: "2026/03/05", want: Date{2026, 3, 5}},
		{in: "05/03/2026", want: Date{2026, 3, 5}}, // day first, as some systems write
		{in: "2024/02/29", want: Date{2024, 2, 29}},
		{in: "2026/02/29", err: true},
		{in: "2026-03-05", err: true},
		{in: "2026/3/5", err: true},
		{in: "1900/01/01", err: true},
		{in: "", err: true},
	}
	for _, tc := range tests {
		got, err := parseDate(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseDate(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
		if err == nil && got.String() != "2026/03/05" && tc.in == "05/03/2026" {
			t.Errorf("%v written as %s", got, got)
		}
	}
	ts, err := parseTimestamp("2026/03/05 14:30:05")
	if err != nil || ts.UTC().Hour() != 7 || formatTimestamp(ts) != "2026/03/05 14:30:05" {
		t.Errorf("timestamp round trip: %v, %v (edXML time is UTC+07:00)", ts, err)
	}
	if _, err := parseTimestamp("05/03/2026 14:30:05"); err != nil {
		t.Errorf("day-first timestamp: %v", err)
	}
	if _, err := parseTimestamp("2026-03-05T14:30:05Z"); err == nil {
		t.Error("RFC 3339 timestamp accepted")
	}
}
