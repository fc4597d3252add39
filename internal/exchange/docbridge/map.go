// Package docbridge connects the documents domain (internal/docs) with the
// exchange (internal/exchange/edxml, outbox, inbox): it turns an issued
// document into edXML packages for recipients elsewhere, packages that
// arrive into incoming documents, and each step a receiver takes into a
// status message back to the sender.
package docbridge

import (
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/org"
)

// Envelope is the edXML package of an issued document for its recipients
// elsewhere: the header from the document's metadata (Decree 30 App. VI)
// and the signed PDF as its attachment. The document's id is the package's
// DocumentId, which status messages quote back.
func Envelope(d *docs.Document, from *org.Agency, to []docs.Recipient, signerTitle, place, fileName string, file []byte) *edxml.Envelope {
	env := &edxml.Envelope{}
	h := &env.Header
	h.From = edxml.Organ{OrganID: from.Code, OrganName: from.Name, OrganAdd: from.Address, Email: from.Email, Telephone: from.Phone}
	for _, r := range to {
		h.To = append(h.To, edxml.Organ{OrganID: r.OrganCode, OrganName: r.Name})
		h.ToPlaces = append(h.ToPlaces, r.Name)
	}
	num, notation, _ := strings.Cut(d.Symbol, "/")
	h.Code = edxml.Code{Number: num, Notation: notation}
	h.Promulgation = edxml.PromulgationInfo{Place: place, Date: edxml.DateOf(d.IssuedAt)}
	h.DocumentType = edxml.DocumentType{Type: 1, TypeName: d.TypeName}
	h.Subject = d.Subject
	h.Signer = edxml.SignerInfo{Position: signerTitle, FullName: d.SignerName}
	if !d.Deadline.IsZero() {
		h.DueDate = edxml.DateOf(d.Deadline)
	}
	h.Other.Priority = priority(d.Urgency)
	h.Other.PromulgationAmount = 1
	h.DocumentID = d.ID
	env.Attachments = []edxml.Attachment{{Name: fileName, ContentType: "application/pdf", Description: d.Subject, Content: file}}
	return env
}

// priority maps urgency to edXML's Priority. The code list was not found
// (see package edxml); kyso sends 0 normal, 1 urgent, 2 very urgent, 3 flash
// and reads them back the same way.
func priority(urgency string) int {
	switch urgency {
	case "urgent":
		return 1
	case "very_urgent":
		return 2
	case "flash":
		return 3
	}
	return 0
}

func urgency(p int) string {
	switch p {
	case 1:
		return "urgent"
	case 2:
		return "very_urgent"
	case 3:
		return "flash"
	}
	return "normal"
}

// Arrival is the incoming document a package becomes at agencyID: the
// first PDF attachment is the document; the package's MessageID is its
// source, so that a second delivery of the package is recognised.
func Arrival(env *edxml.Envelope, agencyID, typeCode string) docs.Arrival {
	h := env.Header
	n := 0
	for _, c := range h.Code.Number {
		if c < '0' || c > '9' {
			n = 0
			break
		}
		n = n*10 + int(c-'0')
	}
	a := docs.Arrival{AgencyID: agencyID, TypeCode: typeCode, Subject: h.Subject, Urgency: urgency(h.Other.Priority), Number: n,
		Symbol: h.Code.String(), SenderName: h.From.OrganName, SenderCode: h.From.OrganID, SourceID: env.MessageID, SourceDocID: h.DocumentID}
	if !h.Promulgation.Date.IsZero() {
		a.IssuedAt = h.Promulgation.Date.Time()
	}
	for _, at := range env.Attachments {
		if strings.EqualFold(at.ContentType, "application/pdf") || strings.HasSuffix(strings.ToLower(at.Name), ".pdf") {
			a.FileName, a.File = at.Name, at.Content
			break
		}
	}
	return a
}

// StatusCode is the edXML status a step of the receiver reports.
func StatusCode(step string) (edxml.StatusCode, bool) {
	switch step {
	case "received":
		return edxml.StatusReceived, true
	case "rejected":
		return edxml.StatusRejected, true
	case "registered":
		return edxml.StatusAccepted, true
	case "assigned":
		return edxml.StatusAssigned, true
	case "processing":
		return edxml.StatusProcessing, true
	case "completed":
		return edxml.StatusCompleted, true
	case "withdrawn": // the receiver agrees to the sender's recall
		return edxml.StatusChangeAccepted, true
	}
	return 0, false
}

// Step is the recipient status a received edXML status code records on
// the sender's document.
func Step(c edxml.StatusCode) string {
	switch c {
	case edxml.StatusReceived:
		return "received"
	case edxml.StatusRejected:
		return "rejected"
	case edxml.StatusAccepted:
		return "registered"
	case edxml.StatusAssigned:
		return "assigned"
	case edxml.StatusProcessing:
		return "processing"
	case edxml.StatusCompleted:
		return "completed"
	case edxml.StatusWithdrawn, edxml.StatusChangeAccepted:
		return "withdrawn"
	case edxml.StatusChangeRejected:
		return "recall_refused"
	}
	return "updated"
}

// Status is the status message an agency sends about a document it
// received from elsewhere.
func Status(d *docs.Document, receiver *org.Agency, step, reason string, at time.Time) (*edxml.Status, bool) {
	code, ok := StatusCode(step)
	if !ok {
		return nil, false
	}
	return &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganID: d.SenderCode, Code: d.Symbol, PromulgationDate: edxml.DateOf(d.IssuedAt), DocumentID: d.SourceDocID},
		From:        edxml.Organ{OrganID: receiver.Code, OrganName: receiver.Name},
		Code:        code, Description: reason, Timestamp: at,
	}, true
}
