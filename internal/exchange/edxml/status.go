package edxml

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// StatusCode is the processing state a receiver reports back to the sender
// of a document (edXML:StatusCode). The codes and their meaning come from
// the VPCP SDK's sample files (status_inbox_01 … status_change-rejection_16)
// and two independent implementations; the notes attribute the list to
// Quyết định 28/2018/QĐ-TTg without having seen its text. Codes 07–12 and
// 14 were not seen anywhere and are refused.
//
// Recalling, updating and replacing a document are not status codes: the
// sender sends a new document package with Business.DocType 1, 2 or 3, and
// the receiver answers it with 15 or 16. Code 13 is the sender taking a
// document back.
type StatusCode int

// Status codes, written as two digits ("01").
const (
	StatusReceived       StatusCode = 1  // 01 đã đến: the software received it, the văn thư has not acted
	StatusRejected       StatusCode = 2  // 02 từ chối tiếp nhận: returned to the sender, with a reason
	StatusAccepted       StatusCode = 3  // 03 đã tiếp nhận / vào sổ: registered as an incoming document
	StatusAssigned       StatusCode = 4  // 04 phân công: a leader assigned it for handling
	StatusProcessing     StatusCode = 5  // 05 đang xử lý
	StatusCompleted      StatusCode = 6  // 06 hoàn thành
	StatusWithdrawn      StatusCode = 13 // 13 lấy lại: the sender takes the document back
	StatusChangeAccepted StatusCode = 15 // 15 đồng ý lấy lại / cập nhật: the receiver agrees to a recall or update
	StatusChangeRejected StatusCode = 16 // 16 từ chối lấy lại / cập nhật: the receiver refuses it, with a reason
)

// statusNames gives each code its Vietnamese and English name, for
// registers, notifications and logs.
var statusNames = map[StatusCode][2]string{
	StatusReceived:       {"Đã đến", "Received"},
	StatusRejected:       {"Từ chối tiếp nhận", "Rejected"},
	StatusAccepted:       {"Đã tiếp nhận (vào sổ)", "Accepted (registered)"},
	StatusAssigned:       {"Phân công xử lý", "Assigned"},
	StatusProcessing:     {"Đang xử lý", "Processing"},
	StatusCompleted:      {"Hoàn thành", "Completed"},
	StatusWithdrawn:      {"Lấy lại", "Withdrawn by the sender"},
	StatusChangeAccepted: {"Đồng ý lấy lại / cập nhật", "Recall or update accepted"},
	StatusChangeRejected: {"Từ chối lấy lại / cập nhật", "Recall or update refused"},
}

// StatusCodes returns every code the standard defines, in numeric order.
func StatusCodes() []StatusCode {
	return []StatusCode{StatusReceived, StatusRejected, StatusAccepted, StatusAssigned,
		StatusProcessing, StatusCompleted, StatusWithdrawn, StatusChangeAccepted, StatusChangeRejected}
}

// Valid reports whether c is one of the codes the standard defines.
func (c StatusCode) Valid() bool { _, ok := statusNames[c]; return ok }

// String returns the code as edXML writes it: two digits, "01".
func (c StatusCode) String() string { return fmt.Sprintf("%02d", int(c)) }

// Vietnamese returns the code's name in Vietnamese, "" for an unknown code.
func (c StatusCode) Vietnamese() string { return statusNames[c][0] }

// English returns the code's name in English, "" for an unknown code.
func (c StatusCode) English() string { return statusNames[c][1] }

// needsReason reports whether a status must say why: a refusal is useless
// to the sender without one (VOffice refuses to return a document without a
// reason; the notes give no rule for 16 and kyso treats it the same).
func (c StatusCode) needsReason() bool { return c == StatusRejected || c == StatusChangeRejected }

// ParseStatusCode reads a status code as written in edXML ("01", also "1").
func ParseStatusCode(s string) (StatusCode, error) {
	n, err := parseCount(s)
	if err != nil || s == "" || len(s) > 2 {
		return 0, fmt.Errorf("%w: status code %q is not a two-digit number", ErrInvalid, s)
	}
	c := StatusCode(n)
	if !c.Valid() {
		return 0, fmt.Errorf("%w: status code %q is not one of 01-06, 13, 15, 16", ErrInvalid, s)
	}
	return c, nil
}

// Status is a status message (gói tin trạng thái, edXML:Status): a receiver
// tells the sender what became of a document. It travels in its own signed
// envelope (SOAP-ENV:Envelope/SOAP-ENV:Header/edXML:Status).
type Status struct {
	ResponseFor ResponseFor // ResponseFor: the document reported on (Envelope.ResponseFor gives it)
	From        Organ       // From: the agency reporting
	Code        StatusCode  // StatusCode
	Description string      // Description: the reason for 02 and 16, a note otherwise
	Timestamp   time.Time   // Timestamp, yyyy/MM/dd HH:mm:ss Vietnamese time
	Staff       StaffInfo   // StaffInfo: the person who acted
}

// statusIDSpace is the UUID name space of status message ids, itself a
// name-based UUID of the edXML status element's name.
var statusIDSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte(Namespace+"#Status"))

// MessageID identifies a status message for idempotent receipt. The status
// envelope has no identifier slot, so the id is derived (a name-based UUID,
// RFC 9562 version 5) from what makes a status unique: the document, the
// reporting agency, the code and the time. The same status delivered twice
// has the same MessageID; a new status about the same document a new one.
func (s *Status) MessageID() string {
	name := strings.Join([]string{
		s.ResponseFor.OrganID, s.ResponseFor.DocumentID, s.From.OrganID,
		s.Code.String(), formatTimestamp(s.Timestamp),
	}, "\x00")
	return uuid.NewSHA1(statusIDSpace, []byte(name)).String()
}

// complete normalises the text fields and the timestamp in place.
func (s *Status) complete(now time.Time) error {
	var n normalizer
	normResponseFor(&n, "ResponseFor", &s.ResponseFor)
	normOrgan(&n, "From", &s.From)
	n.text("Description", &s.Description)
	normStaff(&n, "Staff", &s.Staff)
	if n.err != nil {
		return n.err
	}
	if s.Timestamp.IsZero() {
		s.Timestamp = now
	}
	s.Timestamp = normTimestamp(s.Timestamp)
	return nil
}

// Validate checks a status message: a known code, a valid reporting agency,
// the document it is about fully named, a reason for refusals. Errors wrap
// ErrInvalid.
func (s *Status) Validate() error {
	if err := s.ResponseFor.validate("ResponseFor"); err != nil {
		return err
	}
	if err := checkOrganID("From.OrganID", s.From.OrganID); err != nil {
		return err
	}
	if !s.Code.Valid() {
		return fmt.Errorf("%w: status code %s is not one of 01-06, 13, 15, 16", ErrInvalid, s.Code)
	}
	if s.Code.needsReason() && strings.TrimSpace(s.Description) == "" {
		return fmt.Errorf("%w: status %s (%s) needs the reason in Description", ErrInvalid, s.Code, s.Code.English())
	}
	if s.Timestamp.IsZero() {
		return fmt.Errorf("%w: Timestamp is empty", ErrInvalid)
	}
	return nil
}
