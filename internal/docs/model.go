// Package docs manages official documents and work records (phần mềm quản
// lý văn bản và hồ sơ công việc, Decree 30/2020/NĐ-CP): outgoing documents
// from draft through review, the leader's signature, numbering, the
// organization's signature and issue; incoming documents from receipt
// through registration, assignment and processing to completion; work
// records; the timeline of each document; notifications; and the counters
// reporting needs.
//
// Every operation takes the acting user (org.Actor), checks what that user
// may do with the document, and writes its rows and audit event in one
// transaction. Files live in the blob store by SHA-256; a signed file is
// never changed: each step adds a version.
package docs

import (
	"time"
)

// Direction says whether a document leaves the agency or arrives in it.
type Direction string

// Directions.
const (
	Outgoing Direction = "out"
	Incoming Direction = "in"
)

// Status is where a document is in its workflow.
type Status string

// Outgoing statuses, in order.
const (
	StatusDraft    Status = "draft"     // the specialist is writing it
	StatusInReview Status = "in_review" // reviewers have it
	StatusReturned Status = "returned"  // a reviewer returned it with comments
	StatusApproved Status = "approved"  // ready for the leader's signature
	StatusSigned   Status = "signed"    // the leader signed; the clerk numbers and issues it
	StatusIssuing  Status = "issuing"   // numbered; sealing and sending under way
	StatusIssued   Status = "issued"    // sent to its recipients
)

// Incoming statuses, in order.
const (
	StatusReceived   Status = "received"   // arrived; the clerk registers it
	StatusRegistered Status = "registered" // in the incoming register; a leader assigns it
	StatusAssigned   Status = "assigned"   // being processed
	StatusCompleted  Status = "completed"  // processing finished
	StatusRejected   Status = "rejected"   // returned to the sender (wrong recipient, invalid)
)

// Urgency levels (độ khẩn, Decree 30 Art. 8.3 and App. I).
var Urgencies = []string{"normal", "urgent", "very_urgent", "flash"}

// Confidentiality levels (độ mật). Anything but "normal" is a state secret
// and is never sent electronically (Law on Protection of State Secrets,
// Decree 30 Art. 1).
var Confidentialities = []string{"normal", "confidential", "secret", "top_secret"}

// Document is an outgoing or incoming document.
type Document struct {
	ID              string    `json:"id"`
	AgencyID        string    `json:"agency_id"`
	AgencyName      string    `json:"agency_name"`
	Direction       Direction `json:"direction"`
	Status          Status    `json:"status"`
	TypeCode        string    `json:"type_code"`
	TypeName        string    `json:"type_name"`
	Subject         string    `json:"subject"`
	Urgency         string    `json:"urgency"`
	Confidentiality string    `json:"confidentiality"`
	DepartmentID    string    `json:"department_id,omitempty"`
	CreatedBy       string    `json:"created_by,omitempty"`
	CreatedByName   string    `json:"created_by_name,omitempty"`
	SignerID        string    `json:"signer_id,omitempty"`
	SignerName      string    `json:"signer_name,omitempty"`
	Number          int       `json:"number,omitempty"`
	Symbol          string    `json:"symbol,omitempty"`
	IssuedAt        time.Time `json:"issued_at,omitzero"`
	InNumber        int       `json:"in_number,omitempty"`
	ReceivedAt      time.Time `json:"received_at,omitzero"`
	SenderName      string    `json:"sender_name,omitempty"`
	SenderCode      string    `json:"sender_code,omitempty"`
	SourceID        string    `json:"source_id,omitempty"`
	SourceDocID     string    `json:"source_doc,omitempty"`
	Deadline        time.Time `json:"deadline,omitzero"`
	CompletedAt     time.Time `json:"completed_at,omitzero"`
	SignedDigitally bool      `json:"signed_digitally"`
	ValidationOK    bool      `json:"validation_ok"`
	ReplyTo         string    `json:"reply_to,omitempty"`
	// Replaces is the issued document this one replaces (văn bản thay thế).
	Replaces  string    `json:"replaces,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Overdue: a deadline passed before completion (shown in red).
	Overdue bool `json:"overdue"`
}

// Version is one file of a document.
type Version struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	Kind      string    `json:"kind"` // draft, signed, issued, received
	Blob      string    `json:"sha256"`
	FileName  string    `json:"file_name"`
	Size      int64     `json:"size"`
	CreatedBy string    `json:"created_by,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Event is one entry of a document's timeline.
type Event struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name,omitempty"`
	Action    string    `json:"action"`
	Comment   string    `json:"comment,omitempty"`
	Recipient string    `json:"recipient,omitempty"`
}

// Review is a reviewer's decision in a round.
type Review struct {
	ID           string    `json:"id"`
	Round        int       `json:"round"`
	ReviewerID   string    `json:"reviewer_id"`
	ReviewerName string    `json:"reviewer_name"`
	Status       string    `json:"status"` // pending, approved, returned
	Comment      string    `json:"comment,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
}

// Recipient is where an outgoing document goes, with the latest status its
// receiver reported.
type Recipient struct {
	AgencyID  string    `json:"agency_id,omitempty"`
	OrganCode string    `json:"organ_code,omitempty"`
	Name      string    `json:"name"`
	Status    string    `json:"status,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Assignment is a task on an incoming document (bút phê, sub-task).
type Assignment struct {
	ID           string    `json:"id"`
	ParentID     string    `json:"parent_id,omitempty"`
	AssigneeID   string    `json:"assignee_id,omitempty"`
	AssigneeName string    `json:"assignee_name,omitempty"`
	DepartmentID string    `json:"department_id,omitempty"`
	Role         string    `json:"role"`
	Instructions string    `json:"instructions,omitempty"`
	Deadline     time.Time `json:"deadline,omitzero"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	CompletedAt  time.Time `json:"completed_at,omitzero"`
	Overdue      bool      `json:"overdue"`
}

// Details is a document with everything its page shows.
type Details struct {
	*Document
	Versions    []Version    `json:"versions"`
	Reviews     []Review     `json:"reviews"`
	Recipients  []Recipient  `json:"recipients"`
	Assignments []Assignment `json:"assignments"`
	Timeline    []Event      `json:"timeline"`
	// Validation is the report kept when the document arrived (JSON).
	Validation string `json:"validation,omitempty"`
}
