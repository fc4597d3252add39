package edxml

import (
	"crypto/sha256"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Envelope is one edXML document package (gói tin văn bản điện tử): the
// edXMLEnvelope with its edXMLHeader (MessageHeader, TraceHeaderList, the
// signature) and edXMLBody (the manifest), plus the attachments the
// manifest lists (AttachmentEncoded). Field comments give the element each
// field is written to.
//
// Build completes an Envelope in place before signing it (MessageID,
// DocumentID, a TraceHeader, attachment ids and digests, NFC text), so what
// the caller keeps afterwards is exactly what was signed; Parse returns one
// that went through the same rules.
type Envelope struct {
	// MessageID identifies this package for idempotent receipt: the same
	// package delivered twice by the exchange axis carries the same
	// MessageID, a re-issued document a new one. It is written to the id
	// attribute of TraceHeaderList, the only identifier slot the standard's
	// header has besides DocumentId (which names the document, not the
	// package, and is the same for every recipient and every resend).
	//
	// Build writes a random UUID here when it is empty and otherwise
	// requires a UUID, so an outbox should store the envelope (or at least
	// MessageID) before the first send and reuse it for retries. Packages
	// from other systems may carry any short token (the Lạng Sơn builder
	// writes 8 hex digits); receivers should deduplicate on the pair
	// (Header.From.OrganID, MessageID).
	MessageID string

	Header      MessageHeader   // edXML:MessageHeader
	Trace       TraceHeaderList // edXML:TraceHeaderList
	Attachments []Attachment    // edXML:edXMLManifest references + AttachmentEncoded
}

// MessageHeader is edXML:MessageHeader: the document's metadata, which the
// receiving system uses to pre-fill its register of incoming documents
// (Decree 30/2020, Appendix VI uses the same names).
type MessageHeader struct {
	From         Organ            // edXML:From, the issuing agency
	To           []Organ          // edXML:To, one per addressee (at least one)
	Code         Code             // edXML:Code, số và ký hiệu
	Promulgation PromulgationInfo // edXML:PromulgationInfo
	DocumentType DocumentType     // edXML:DocumentType
	Subject      string           // edXML:Subject, trích yếu
	Content      string           // edXML:Content, nội dung (often empty or the subject again)
	Signer       SignerInfo       // edXML:SignerInfo, the person who signed the document
	DueDate      Date             // edXML:DueDate, hạn xử lý; zero when none
	ToPlaces     []string         // edXML:ToPlaces/Place, nơi nhận as printed
	Other        OtherInfo        // edXML:OtherInfo
	ResponseFor  []ResponseFor    // edXML:ResponseFor, documents this one answers
	SteeringType int              // edXML:SteeringType; code list not found, samples send 0
	// DocumentID is edXML:DocumentId, "{sender OrganId},{yyyy/MM/dd},{số}/{ký
	// hiệu}", e.g. "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT" (VPCP SDK).
	// Build derives it from From, PromulgationDate and Code when empty.
	DocumentID string
}

// Organ is an agency as edXML describes it in From and To (and in a status
// message's From).
type Organ struct {
	OrganID              string // OrganId, mã định danh (ParseOrganID)
	OrganizationInCharge string // OrganizationInCharge, the superior body
	OrganName            string // OrganName
	OrganAdd             string // OrganAdd, postal address
	Email                string // Email
	Telephone            string // Telephone
	Fax                  string // Fax
	Website              string // Website
}

// Code is edXML:Code, the document's number and symbol (số, ký hiệu): for
// "Số: 15/QĐ-BNV", Number is "15" and Notation "QĐ-BNV".
type Code struct {
	Number   string // CodeNumber
	Notation string // CodeNotation
}

// String returns "Number/Notation", the form ResponseFor and status
// messages carry in their single Code element.
func (c Code) String() string { return c.Number + "/" + c.Notation }

// PromulgationInfo is edXML:PromulgationInfo: where and when the document
// was issued ("Hà Nội, ngày 05 tháng 01 năm 2020").
type PromulgationInfo struct {
	Place string // Place, địa danh
	Date  Date   // PromulgationDate
}

// DocumentType is edXML:DocumentType. The code list for Type was not found:
// one builder sends 18 for a công văn "per the C# SDK default", another
// sends 1, so Type is carried as given and not checked.
type DocumentType struct {
	Type       int    // Type
	TypeName   string // TypeName, e.g. "Công văn", "Quyết định"
	TypeDetail int    // TypeDetail; samples send 0
}

// SignerInfo is edXML:SignerInfo: who signed the document and in what
// capacity (Decree 30/2020 Art. 13: TM., Q., KT., TL., TUQ.).
type SignerInfo struct {
	Competence string // Competence, thẩm quyền (e.g. "TM. Ủy ban nhân dân")
	Position   string // Position, chức vụ
	FullName   string // FullName, họ tên
}

// OtherInfo is edXML:OtherInfo.
type OtherInfo struct {
	Priority             int      // Priority, độ khẩn; code list not found, samples send 0
	SphereOfPromulgation string   // SphereOfPromulgation, phạm vi lưu hành
	TyperNotation        string   // TyperNotation, ký hiệu người đánh máy
	PromulgationAmount   int      // PromulgationAmount, số bản phát hành
	PageAmount           int      // PageAmount, số trang
	Appendixes           []string // Appendixes/Appendix, phụ lục
}

// ResponseFor names an earlier document by the fields both sides know: the
// issuer, its "số/ký hiệu", its date and its DocumentId. A document package
// uses it for a reply; a status message for the document it reports on.
type ResponseFor struct {
	OrganID          string // OrganId of the earlier document's issuer
	Code             string // Code, "Number/Notation"
	PromulgationDate Date   // PromulgationDate
	DocumentID       string // DocumentId
}

// ResponseFor returns the ResponseFor a receiver writes in a status message
// or a reply about e.
func (e *Envelope) ResponseFor() ResponseFor {
	return ResponseFor{
		OrganID:          e.Header.From.OrganID,
		Code:             e.Header.Code.String(),
		PromulgationDate: e.Header.Promulgation.Date,
		DocumentID:       e.Header.DocumentID,
	}
}

// TraceHeaderList is edXML:TraceHeaderList: the route the package took and
// what kind of business message it is.
type TraceHeaderList struct {
	Headers  []TraceHeader // TraceHeader, one per system that handled the package
	Business Business      // Bussiness (sic: the standard spells it with "ss")
}

// TraceHeader records one hop: which agency's system handled the package
// and when.
type TraceHeader struct {
	OrganID   string    // OrganId
	Timestamp time.Time // Timestamp, yyyy/MM/dd HH:mm:ss Vietnamese time
}

// BusinessDocType says whether a package carries a new document or changes
// one sent before (edXML:BussinessDocType; the VPCP SDK's sample files
// edoc_new, edoc_revocation, edoc_update, edoc_replace).
type BusinessDocType int

// Business document types.
const (
	DocNew         BusinessDocType = 0 // văn bản mới
	DocRevocation  BusinessDocType = 1 // thu hồi
	DocUpdate      BusinessDocType = 2 // cập nhật
	DocReplacement BusinessDocType = 3 // thay thế
)

// Business is edXML:Bussiness.
type Business struct {
	DocType      BusinessDocType       // BussinessDocType
	DocReason    string                // BussinessDocReason, why it is revoked/updated/replaced
	DocumentInfo *BusinessDocumentInfo // BussinessDocumentInfo, for updates; nil when absent
	Replacements []ReplacementInfo     // ReplacementInfoList/ReplacementInfo, for replacements
	Staff        StaffInfo             // StaffInfo, the clerk who sent it
	Paper        int                   // Paper: 1 when a paper copy follows, 0 otherwise
}

// BusinessDocumentInfo is edXML:BussinessDocumentInfo, which says what an
// update changes. The meaning of DocumentInfo and DocumentReceiver was not
// found (samples suggest "0"/"1" flags: whether the metadata, the list of
// recipients changed), so they are carried as text.
type BusinessDocumentInfo struct {
	DocumentInfo     string     // DocumentInfo
	DocumentReceiver string     // DocumentReceiver
	Receivers        []Receiver // ReceiverList/Receiver
}

// Receiver is one entry of ReceiverList.
type Receiver struct {
	ReceiverType int    // ReceiverType; code list not found
	OrganID      string // OrganId
}

// ReplacementInfo names a document a replacement package replaces, and for
// which recipients.
type ReplacementInfo struct {
	DocumentID string   // DocumentId
	OrganIDs   []string // OrganIdList/OrganId
}

// StaffInfo is edXML:StaffInfo: the person who sent the package or the
// status.
type StaffInfo struct {
	Department string // Department
	Staff      string // Staff, full name
	Mobile     string // Mobile
	Email      string // Email
}

// Attachment is one file of the package: the signed PDF of the document,
// its appendices, supporting files.
type Attachment struct {
	// ContentID links the manifest entry to the encoded content
	// (xlink:href="cid:…" in the manifest, ContentId in AttachmentEncoded),
	// without the "cid:" prefix. Build sets a random UUID when empty.
	ContentID   string
	Name        string // AttachmentName, the file name (no directories)
	ContentType string // ContentType, a MIME type; Build uses application/octet-stream when empty
	Description string // Description
	Content     []byte // ContentTransferEncoded, base64 in the XML
	// SHA256 is the digest of Content. Build computes it and records it in
	// the signed manifest (a kyso extension element, see the package
	// documentation); Parse checks it when the sender recorded one and
	// computes it otherwise, so stored files can be checked later without
	// the XML.
	SHA256 [sha256.Size]byte
}

// maxAttachmentName bounds a file name, as common file systems do.
const maxAttachmentName = 255

// complete fills what Build derives and normalises every text field. It is
// the only place that writes into a caller's Envelope.
func (e *Envelope) complete(now time.Time, newID func() (string, error)) error {
	var n normalizer
	h := &e.Header
	normOrgan(&n, "From", &h.From)
	for i := range h.To {
		normOrgan(&n, fmt.Sprintf("To[%d]", i), &h.To[i])
	}
	n.token("Code.Number", &h.Code.Number)
	n.token("Code.Notation", &h.Code.Notation)
	n.text("Promulgation.Place", &h.Promulgation.Place)
	n.text("DocumentType.TypeName", &h.DocumentType.TypeName)
	n.text("Subject", &h.Subject)
	n.text("Content", &h.Content)
	n.text("Signer.Competence", &h.Signer.Competence)
	n.text("Signer.Position", &h.Signer.Position)
	n.text("Signer.FullName", &h.Signer.FullName)
	for i := range h.ToPlaces {
		n.text(fmt.Sprintf("ToPlaces[%d]", i), &h.ToPlaces[i])
	}
	n.text("Other.SphereOfPromulgation", &h.Other.SphereOfPromulgation)
	n.text("Other.TyperNotation", &h.Other.TyperNotation)
	for i := range h.Other.Appendixes {
		n.text(fmt.Sprintf("Other.Appendixes[%d]", i), &h.Other.Appendixes[i])
	}
	for i := range h.ResponseFor {
		normResponseFor(&n, fmt.Sprintf("ResponseFor[%d]", i), &h.ResponseFor[i])
	}
	n.token("DocumentID", &h.DocumentID)
	n.token("MessageID", &e.MessageID)
	for i := range e.Trace.Headers {
		n.token(fmt.Sprintf("Trace.Headers[%d].OrganID", i), &e.Trace.Headers[i].OrganID)
	}
	b := &e.Trace.Business
	n.text("Business.DocReason", &b.DocReason)
	if di := b.DocumentInfo; di != nil {
		n.token("Business.DocumentInfo.DocumentInfo", &di.DocumentInfo)
		n.token("Business.DocumentInfo.DocumentReceiver", &di.DocumentReceiver)
		for i := range di.Receivers {
			n.token(fmt.Sprintf("Business.DocumentInfo.Receivers[%d].OrganID", i), &di.Receivers[i].OrganID)
		}
	}
	for i := range b.Replacements {
		r := &b.Replacements[i]
		n.token(fmt.Sprintf("Business.Replacements[%d].DocumentID", i), &r.DocumentID)
		for j := range r.OrganIDs {
			n.token(fmt.Sprintf("Business.Replacements[%d].OrganIDs[%d]", i, j), &r.OrganIDs[j])
		}
	}
	normStaff(&n, "Business.Staff", &b.Staff)
	for i := range e.Attachments {
		a := &e.Attachments[i]
		field := fmt.Sprintf("Attachments[%d]", i)
		n.token(field+".ContentID", &a.ContentID)
		n.token(field+".Name", &a.Name)
		n.token(field+".ContentType", &a.ContentType)
		n.text(field+".Description", &a.Description)
	}
	if n.err != nil {
		return n.err
	}

	// Derived values.
	if e.MessageID == "" {
		id, err := newID()
		if err != nil {
			return err
		}
		e.MessageID = id
	} else {
		u, err := uuid.Parse(e.MessageID)
		if err != nil || len(e.MessageID) != 36 {
			return fmt.Errorf("%w: MessageID %q is not a UUID (leave it empty and Build makes one)", ErrInvalid, e.MessageID)
		}
		e.MessageID = u.String()
	}
	if h.DocumentID == "" && h.From.OrganID != "" && !h.Promulgation.Date.IsZero() {
		h.DocumentID = h.From.OrganID + "," + h.Promulgation.Date.String() + "," + h.Code.String()
	}
	if len(e.Trace.Headers) == 0 {
		e.Trace.Headers = []TraceHeader{{OrganID: h.From.OrganID, Timestamp: now}}
	}
	for i := range e.Trace.Headers {
		e.Trace.Headers[i].Timestamp = normTimestamp(e.Trace.Headers[i].Timestamp)
	}
	for i := range e.Attachments {
		a := &e.Attachments[i]
		if a.ContentID == "" {
			id, err := newID()
			if err != nil {
				return err
			}
			a.ContentID = id
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		a.SHA256 = sha256.Sum256(a.Content)
	}
	return nil
}

func normOrgan(n *normalizer, field string, o *Organ) {
	n.token(field+".OrganID", &o.OrganID)
	n.text(field+".OrganizationInCharge", &o.OrganizationInCharge)
	n.text(field+".OrganName", &o.OrganName)
	n.text(field+".OrganAdd", &o.OrganAdd)
	n.token(field+".Email", &o.Email)
	n.token(field+".Telephone", &o.Telephone)
	n.token(field+".Fax", &o.Fax)
	n.token(field+".Website", &o.Website)
}

func normResponseFor(n *normalizer, field string, r *ResponseFor) {
	n.token(field+".OrganID", &r.OrganID)
	n.token(field+".Code", &r.Code)
	n.token(field+".DocumentID", &r.DocumentID)
}

func normStaff(n *normalizer, field string, s *StaffInfo) {
	n.text(field+".Department", &s.Department)
	n.text(field+".Staff", &s.Staff)
	n.token(field+".Mobile", &s.Mobile)
	n.token(field+".Email", &s.Email)
}

// Validate checks the rules a package must meet to be processed by a
// receiving văn thư: the issuer and every addressee identified by a valid
// code, the document numbered, dated and titled, at least one file, no
// attachment name that could escape a directory. Build runs it before the
// key is used ("lint before you sign"); Parse runs it after the signature
// verified. Errors wrap ErrInvalid and name the field.
func (e *Envelope) Validate() error {
	h := &e.Header
	if e.MessageID == "" {
		return fmt.Errorf("%w: MessageID is empty", ErrInvalid)
	}
	if err := checkMessageID(e.MessageID); err != nil {
		return err
	}
	if err := checkOrganID("From.OrganID", h.From.OrganID); err != nil {
		return err
	}
	if strings.TrimSpace(h.From.OrganName) == "" {
		return fmt.Errorf("%w: From.OrganName is empty", ErrInvalid)
	}
	if len(h.To) == 0 {
		return fmt.Errorf("%w: no addressee (To)", ErrInvalid)
	}
	for i, to := range h.To {
		if err := checkOrganID(fmt.Sprintf("To[%d].OrganID", i), to.OrganID); err != nil {
			return err
		}
	}
	switch {
	case h.Code.Number == "":
		return fmt.Errorf("%w: Code.Number (số) is empty", ErrInvalid)
	case h.Code.Notation == "":
		return fmt.Errorf("%w: Code.Notation (ký hiệu) is empty", ErrInvalid)
	case strings.ContainsRune(h.Code.Number, '/'):
		return fmt.Errorf("%w: Code.Number %q contains '/', which separates number and notation", ErrInvalid, h.Code.Number)
	case h.Promulgation.Date.IsZero():
		return fmt.Errorf("%w: Promulgation.Date is empty", ErrInvalid)
	case !h.Promulgation.Date.valid():
		return fmt.Errorf("%w: Promulgation.Date %s is not a valid date", ErrInvalid, h.Promulgation.Date)
	case !h.DueDate.IsZero() && !h.DueDate.valid():
		return fmt.Errorf("%w: DueDate %s is not a valid date", ErrInvalid, h.DueDate)
	case strings.TrimSpace(h.Subject) == "":
		return fmt.Errorf("%w: Subject (trích yếu) is empty", ErrInvalid)
	case h.DocumentID == "":
		return fmt.Errorf("%w: DocumentID is empty", ErrInvalid)
	case h.DocumentType.Type < 0 || h.DocumentType.TypeDetail < 0 || h.SteeringType < 0 ||
		h.Other.Priority < 0 || h.Other.PromulgationAmount < 0 || h.Other.PageAmount < 0:
		return fmt.Errorf("%w: a numeric header field is negative", ErrInvalid)
	}
	for i, r := range h.ResponseFor {
		if err := r.validate(fmt.Sprintf("ResponseFor[%d]", i)); err != nil {
			return err
		}
	}
	if len(e.Trace.Headers) == 0 {
		return fmt.Errorf("%w: TraceHeaderList has no TraceHeader", ErrInvalid)
	}
	for i, th := range e.Trace.Headers {
		if err := checkOrganID(fmt.Sprintf("Trace.Headers[%d].OrganID", i), th.OrganID); err != nil {
			return err
		}
		if th.Timestamp.IsZero() {
			return fmt.Errorf("%w: Trace.Headers[%d].Timestamp is empty", ErrInvalid, i)
		}
	}
	b := &e.Trace.Business
	if b.DocType < DocNew || b.DocType > DocReplacement {
		return fmt.Errorf("%w: Business.DocType %d is not 0 (new), 1 (revocation), 2 (update) or 3 (replacement)", ErrInvalid, b.DocType)
	}
	if b.Paper < 0 {
		return fmt.Errorf("%w: Business.Paper is negative", ErrInvalid)
	}
	if di := b.DocumentInfo; di != nil {
		for i, r := range di.Receivers {
			if err := checkOrganID(fmt.Sprintf("Business.DocumentInfo.Receivers[%d].OrganID", i), r.OrganID); err != nil {
				return err
			}
			if r.ReceiverType < 0 {
				return fmt.Errorf("%w: Business.DocumentInfo.Receivers[%d].ReceiverType is negative", ErrInvalid, i)
			}
		}
	}
	for i, r := range b.Replacements {
		if r.DocumentID == "" {
			return fmt.Errorf("%w: Business.Replacements[%d].DocumentID is empty", ErrInvalid, i)
		}
		for j, id := range r.OrganIDs {
			if err := checkOrganID(fmt.Sprintf("Business.Replacements[%d].OrganIDs[%d]", i, j), id); err != nil {
				return err
			}
		}
	}
	if len(e.Attachments) == 0 {
		return fmt.Errorf("%w: no attachment: the document itself travels as an attachment", ErrInvalid)
	}
	seen := make(map[string]bool, len(e.Attachments))
	for i := range e.Attachments {
		if err := e.Attachments[i].validate(i); err != nil {
			return err
		}
		id := e.Attachments[i].ContentID
		if seen[id] {
			return fmt.Errorf("%w: Attachments[%d].ContentID %q is used twice", ErrInvalid, i, id)
		}
		seen[id] = true
	}
	return nil
}

func (r ResponseFor) validate(field string) error {
	if err := checkOrganID(field+".OrganID", r.OrganID); err != nil {
		return err
	}
	switch {
	case r.Code == "":
		return fmt.Errorf("%w: %s.Code is empty", ErrInvalid, field)
	case r.PromulgationDate.IsZero():
		return fmt.Errorf("%w: %s.PromulgationDate is empty", ErrInvalid, field)
	case !r.PromulgationDate.valid():
		return fmt.Errorf("%w: %s.PromulgationDate %s is not a valid date", ErrInvalid, field, r.PromulgationDate)
	case r.DocumentID == "":
		return fmt.Errorf("%w: %s.DocumentID is empty", ErrInvalid, field)
	}
	return nil
}

func (a *Attachment) validate(i int) error {
	field := fmt.Sprintf("Attachments[%d]", i)
	if err := checkContentID(a.ContentID); err != nil {
		return fmt.Errorf("%w: %s.ContentID: %v", ErrInvalid, field, err)
	}
	if err := checkFileName(a.Name); err != nil {
		return fmt.Errorf("%w: %s.Name: %v", ErrInvalid, field, err)
	}
	if _, _, err := mime.ParseMediaType(a.ContentType); err != nil {
		return fmt.Errorf("%w: %s.ContentType %q is not a MIME type: %v", ErrInvalid, field, a.ContentType, err)
	}
	if len(a.Content) == 0 {
		return fmt.Errorf("%w: %s (%s) is empty", ErrInvalid, field, a.Name)
	}
	return nil
}

// checkMessageID accepts a UUID or, from other systems, a short token of
// letters, digits and . _ : - (at most 64).
func checkMessageID(s string) error {
	if err := checkToken(s, 64); err != nil {
		return fmt.Errorf("%w: MessageID (TraceHeaderList id): %v", ErrInvalid, err)
	}
	return nil
}

// checkContentID: attachment ids are tokens too, at most 128 characters.
func checkContentID(s string) error { return checkToken(s, 128) }

func checkToken(s string, max int) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	if len(s) > max {
		return fmt.Errorf("longer than %d characters", max)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '_' || c == '-' || c == ':' || c == '@':
		default:
			return fmt.Errorf("%q has the character %q; only letters, digits and . _ - : @ are allowed", s, c)
		}
	}
	return nil
}

// checkFileName refuses names a receiver could not store as given: empty,
// too long, with a directory part, with control characters, or "." and "..".
// A receiving system writes attachments to disk or object storage, and the
// name comes from another agency's system.
func checkFileName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("empty")
	case len(s) > maxAttachmentName:
		return fmt.Errorf("%d bytes long, at most %d", len(s), maxAttachmentName)
	case s == "." || s == "..":
		return fmt.Errorf("%q is not a file name", s)
	case strings.ContainsAny(s, `/\`):
		return fmt.Errorf("%q contains a directory separator", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q contains the control character U+%04X", s, r)
		}
	}
	return nil
}
