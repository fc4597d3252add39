package edxml

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStatusRoundTripEveryCode(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	ec := pkiFor(t, "p256")
	if got := len(StatusCodes()); got != 9 {
		t.Fatalf("%d status codes, want the 9 of the standard", got)
	}
	ids := map[string]StatusCode{}
	for _, code := range StatusCodes() {
		t.Run("ok/"+code.String()+"-"+strings.ReplaceAll(code.English(), " ", "-"), func(t *testing.T) {
			if code.Vietnamese() == "" || code.English() == "" {
				t.Errorf("code %s has no name", code)
			}
			signer := p
			if code%2 == 0 {
				signer = ec
			}
			st := sampleStatus(code)
			data, err := BuildStatus(st, signer.signer(), signer.chain())
			if err != nil {
				t.Fatalf("BuildStatus: %v", err)
			}
			if !bytes.Contains(data, []byte("<edXML:StatusCode>"+code.String()+"</edXML:StatusCode>")) {
				t.Errorf("the package does not carry StatusCode %s", code)
			}
			got, chain, err := ParseStatus(data)
			if err != nil {
				t.Fatalf("ParseStatus: %v", err)
			}
			if !reflect.DeepEqual(got, st) {
				t.Errorf("status differs:\n got %#v\nwant %#v", got, st)
			}
			if !chain[0].Equal(signer.id.Cert) {
				t.Error("chain[0] is not the signer's certificate")
			}
			if got.MessageID() != st.MessageID() {
				t.Errorf("MessageID changed in transit: %s, %s", got.MessageID(), st.MessageID())
			}
			if prev, dup := ids[got.MessageID()]; dup {
				t.Errorf("codes %s and %s have the same MessageID", prev, code)
			}
			ids[got.MessageID()] = code

			// A status is signed too: changing the code breaks it.
			other := "06"
			if code == StatusCompleted {
				other = "05"
			}
			forged := bytes.Replace(data, []byte(">"+code.String()+"</edXML:StatusCode>"), []byte(">"+other+"</edXML:StatusCode>"), 1)
			_, _, err = ParseStatus(forged)
			wantErr(t, err, ErrBadSignature)
		})
	}
}

func TestStatusMessageIDIsStable(t *testing.T) {
	a, b := sampleStatus(StatusAccepted), sampleStatus(StatusAccepted)
	if a.MessageID() != b.MessageID() {
		t.Error("the same status has two MessageIDs")
	}
	b.Timestamp = b.Timestamp.Add(time.Second)
	if a.MessageID() == b.MessageID() {
		t.Error("statuses at different times share a MessageID")
	}
	b = sampleStatus(StatusAccepted)
	b.From.OrganID = "000.00.00.G22"
	if a.MessageID() == b.MessageID() {
		t.Error("statuses from different agencies share a MessageID")
	}
}

func TestBuildStatusRefuses(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	tests := map[string]struct {
		edit func(*Status)
		want error
	}{
		"error/rejected-without-reason":       {edit: func(s *Status) { s.Code, s.Description = StatusRejected, "" }, want: ErrInvalid},
		"error/refused-change-without-reason": {edit: func(s *Status) { s.Code, s.Description = StatusChangeRejected, " " }, want: ErrInvalid},
		"error/unknown-code":                  {edit: func(s *Status) { s.Code = 7 }, want: ErrInvalid},
		"error/zero-code":                     {edit: func(s *Status) { s.Code = 0 }, want: ErrInvalid},
		"error/bad-reporter":                  {edit: func(s *Status) { s.From.OrganID = "000.00.31" }, want: ErrOrganID},
		"error/no-document-id":                {edit: func(s *Status) { s.ResponseFor.DocumentID = "" }, want: ErrInvalid},
		"error/no-document-date":              {edit: func(s *Status) { s.ResponseFor.PromulgationDate = Date{} }, want: ErrInvalid},
		"ok/timestamp-defaults-to-now":        {edit: func(s *Status) { s.Timestamp = time.Time{} }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st := sampleStatus(StatusReceived)
			tc.edit(st)
			data, err := BuildStatus(st, p.signer(), p.chain())
			wantErr(t, err, tc.want)
			if err == nil {
				if _, _, err := ParseStatus(data); err != nil {
					t.Fatalf("ParseStatus: %v", err)
				}
			}
		})
	}
}

func TestParseStatusRejects(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	valid, err := BuildStatus(sampleStatus(StatusRejected), p.signer(), p.chain())
	if err != nil {
		t.Fatal(err)
	}
	doc := mustBuild(t, p, sampleEnvelope())
	tests := map[string]struct {
		input []byte
		want  error
	}{
		"ok/as-built":            {input: valid},
		"error/document-package": {input: doc, want: ErrMalformed},
		"error/unsigned":         {input: sigRE.ReplaceAll(valid, nil), want: ErrUnsigned},
		"error/tampered-reason": {
			input: bytes.Replace(valid, []byte("gửi nhầm"), []byte("hợp lệ"), 1), want: ErrBadSignature,
		},
		"error/signature-in-body": {
			input: func() []byte {
				sig := sigRE.Find(valid)
				moved := bytes.Replace(valid, sig, nil, 1)
				return bytes.Replace(moved, []byte("<SOAP-ENV:Body/>"), append(append([]byte("<SOAP-ENV:Body>"), sig...), "</SOAP-ENV:Body>"...), 1)
			}(),
			want: ErrMalformed,
		},
		"error/doctype": {
			input: bytes.Replace(valid, []byte("?><SOAP-ENV"), []byte("?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><SOAP-ENV"), 1),
			want:  ErrDTD,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if tc.want != nil && bytes.Equal(tc.input, valid) {
				t.Fatal("test setup: the input was not changed")
			}
			st, _, err := ParseStatus(tc.input)
			wantErr(t, err, tc.want)
			if err == nil && st.Code != StatusRejected {
				t.Errorf("Code = %s", st.Code)
			}
		})
	}
}

func TestParseStatusCode(t *testing.T) {
	tests := []struct {
		in   string
		want StatusCode
		err  bool
	}{
		{"01", StatusReceived, false},
		{"1", StatusReceived, false},
		{"02", StatusRejected, false},
		{"03", StatusAccepted, false},
		{"04", StatusAssigned, false},
		{"05", StatusProcessing, false},
		{"06", StatusCompleted, false},
		{"13", StatusWithdrawn, false},
		{"15", StatusChangeAccepted, false},
		{"16", StatusChangeRejected, false},
		{"00", 0, true},
		{"07", 0, true},
		{"14", 0, true},
		{"", 0, true},
		{"-1", 0, true},
		{"+1", 0, true},
		{"001", 0, true},
		{"x1", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseStatusCode(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseStatusCode(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), "status code") {
			t.Errorf("ParseStatusCode(%q): error %q does not say what is wrong", tc.in, err)
		}
	}
	if StatusReceived.String() != "01" || StatusChangeRejected.String() != "16" {
		t.Error("codes are not written as two digits")
	}
	if StatusRejected.Vietnamese() != "Từ chối tiếp nhận" || StatusRejected.English() != "Rejected" {
		t.Error("wrong names for 02")
	}
}
