package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one plain-text e-mail to one person.
type Message struct {
	To      netmail.Address
	Subject string
	// Body is UTF-8 text; lines end in \n or \r\n.
	Body string
}

// maxSubjectRunes bounds the subject: a document's subject may run to
// 2,000 characters, more than any mail client shows; the body has it all.
const maxSubjectRunes = 200

// Bytes renders m as an RFC 5322 message from from at now: UTF-8 subject
// as RFC 2047 encoded-words, a quoted-printable text/plain body, a
// Message-ID and a Date. A header value holding CR or LF is refused
// (ErrHeaderInjection), never cleaned up: it means the caller let
// outside input through unchecked.
func (m Message) Bytes(from netmail.Address, now time.Time) ([]byte, error) {
	if err := validateAddress("From", from); err != nil {
		return nil, err
	}
	if err := validateAddress("To", m.To); err != nil {
		return nil, err
	}
	if hasLineBreak(m.Subject) {
		return nil, fmt.Errorf("%w: Subject", ErrHeaderInjection)
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Body) {
		return nil, fmt.Errorf("mail: subject and body must be UTF-8")
	}
	id, err := messageID(from.Address)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(fold(name + ": " + value))
		b.WriteString("\r\n")
	}
	header("From", from.String()) // net/mail encodes a non-ASCII name (RFC 2047)
	header("To", m.To.String())
	header("Subject", mime.BEncoding.Encode("utf-8", truncate(m.Subject, maxSubjectRunes)))
	header("Date", now.Format(time.RFC1123Z)) // RFC 5322 §3.3
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: vacation responders must not answer.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b) // text mode: line breaks become CRLF
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// messageID makes a unique Message-ID (RFC 5322 §3.6.4) in the sender's
// domain.
func messageID(from string) (string, error) {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	domain := "kyso.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">", nil
}

// fold breaks a header line at spaces so that lines stay under 78
// characters where they can (RFC 5322 §2.2.3). The encoded-words of a
// long subject are separated by spaces, so a subject of any length folds.
func fold(line string) string {
	const limit = 76
	if len(line) <= limit {
		return line
	}
	var b strings.Builder
	n := 0
	for i, word := range strings.Split(line, " ") {
		if i > 0 {
			if n+1+len(word) > limit {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
