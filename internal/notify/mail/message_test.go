package mail

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

var (
	testFrom = netmail.Address{Name: "kyso Sở TT&TT", Address: "kyso@example.gov.vn"}
	testTo   = netmail.Address{Name: "Nguyễn Thị Chứng Thư", Address: "chungthu@example.gov.vn"}
)

// parse reads back a rendered message as a mail client would.
func parse(t *testing.T, raw []byte) (*netmail.Message, string, string) {
	t.Helper()
	m, err := netmail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return m, subject, string(body)
}

func TestMessageBytes(t *testing.T) {
	subject := "Văn bản chờ bạn cho ý kiến: Quyết định ban hành quy chế sử dụng chữ ký số"
	body := "Văn bản chờ bạn cho ý kiến\nWaiting for your review\n\n.\nhttps://kyso.example.gov.vn/documents/1"
	now := time.Date(2026, 11, 20, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	raw, err := Message{To: testTo, Subject: subject, Body: body}.Bytes(testFrom, now)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i, len(line), line)
		}
		if strings.ContainsRune(line, '\n') {
			t.Errorf("line %d has a bare LF", i)
		}
	}
	m, gotSubject, gotBody := parse(t, raw)
	if gotSubject != subject || !norm.NFC.IsNormalString(gotSubject) {
		t.Errorf("subject %q", gotSubject)
	}
	if gotBody != strings.ReplaceAll(body, "\n", "\r\n") {
		t.Errorf("body %q", gotBody)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || *to[0] != testTo {
		t.Errorf("To %v %v", to, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || *from[0] != testFrom {
		t.Errorf("From %v %v", from, err)
	}
	if d, err := m.Header.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date %v %v", d, err)
	}
	id := m.Header.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.gov.vn>") {
		t.Errorf("Message-ID %q", id)
	}
	if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestLongSubjectFolds: a 2,000-character subject is cut and folded into
// lines a mail server accepts.
func TestLongSubjectFolds(t *testing.T) {
	subject := strings.Repeat("Đề nghị tăng cường ứng dụng chữ ký số ", 60)
	raw, err := Message{To: testTo, Subject: subject, Body: "x"}.Bytes(testFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Fatalf("a %d-character line: %q", len(line), line)
		}
	}
	_, got, _ := parse(t, raw)
	if !strings.HasPrefix(subject, strings.TrimSuffix(got, "…")) || len([]rune(got)) != maxSubjectRunes {
		t.Fatalf("subject %q", got)
	}
}

// TestHeaderInjectionRefused: CR or LF in any header value is refused,
// whether it would add a header or end the headers.
func TestHeaderInjectionRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    Message
		from netmail.Address
	}{
		{"subject with CRLF", Message{To: testTo, Subject: "Họp\r\nBcc: all@example.gov.vn"}, testFrom},
		{"subject with a bare LF", Message{To: testTo, Subject: "Họp\n\nnew body"}, testFrom},
		{"subject with a bare CR", Message{To: testTo, Subject: "Họp\rBcc: x@y.vn"}, testFrom},
		{"recipient name", Message{To: netmail.Address{Name: "A\r\nBcc: x@y.vn", Address: "a@b.vn"}}, testFrom},
		{"recipient address", Message{To: netmail.Address{Address: "a@b.vn\r\nRCPT TO:<x@y.vn>"}}, testFrom},
		{"sender name", Message{To: testTo}, netmail.Address{Name: "kyso\nBcc: x@y.vn", Address: "kyso@b.vn"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.m.Bytes(tt.from, time.Now())
			if !errors.Is(err, ErrHeaderInjection) {
				t.Fatalf("error %v, message:\n%s", err, raw)
			}
		})
	}
	if _, err := (Message{To: netmail.Address{Address: "not an address"}}).Bytes(testFrom, time.Now()); err == nil {
		t.Fatal("a malformed recipient was accepted")
	}
}

// FuzzMessageBytes: whatever the subject and body, a message either is
// refused or parses back with the same subject and no extra header.
func FuzzMessageBytes(f *testing.F) {
	f.Add("Văn bản đến: Công văn số 12", "Nội dung\n.\n")
	f.Add("a\r\nBcc: x@y.vn", "b")
	f.Add("=?utf-8?b?SGk=?=", "=41")
	f.Fuzz(func(t *testing.T, subject, body string) {
		raw, err := Message{To: testTo, Subject: subject, Body: body}.Bytes(testFrom, time.Now())
		if err != nil {
			return
		}
		m, err := netmail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("%v\n%q", err, raw)
		}
		if len(m.Header) != 9 || m.Header.Get("Bcc") != "" {
			t.Fatalf("headers %v", m.Header)
		}
	})
}
