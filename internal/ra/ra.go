// Package ra is the registration authority: the workflow that decides who
// gets, keeps and loses a certificate. An agency's certificate manager files
// a request (new, renew, revoke, suspend, resume, change of information);
// the province's certificate approver approves it, which makes package pki
// carry it out, or rejects it with a reason. pki signs; ra decides (the
// split boulder draws between its RA and CA).
package ra

import (
	"context"
	"encoding/json"

	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// Kind is what a request asks for.
type Kind string

// Request kinds ("cấp mới, gia hạn, thu hồi, tạm dừng, khôi phục, thay đổi thông tin").
const (
	KindNew     Kind = "new"
	KindRenew   Kind = "renew"
	KindRevoke  Kind = "revoke"
	KindSuspend Kind = "suspend"
	KindResume  Kind = "resume"
	KindChange  Kind = "change"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindNew, KindRenew, KindChange, KindSuspend, KindResume, KindRevoke}

// State is where a request stands.
type State string

// Request states.
const (
	StatePending  State = "pending"
	StateDone     State = "done"
	StateRejected State = "rejected"
)

// Request is a registration request.
type Request struct {
	ID            string      `json:"id"`
	Kind          Kind        `json:"kind"`
	State         State       `json:"state"`
	AgencyID      string      `json:"agency_id"`
	AgencyPath    string      `json:"-"`
	Profile       pki.Profile `json:"profile,omitempty"`
	SubjectUserID string      `json:"subject_user_id,omitempty"`
	TargetSerial  string      `json:"target_serial,omitempty"`
	ServerKey     bool        `json:"server_key"`
	HasCSR        bool        `json:"has_csr"`
	Reason        string      `json:"reason,omitempty"`
	Subject       pki.Subject `json:"subject"`
	Note          string      `json:"note,omitempty"`
	RequestedBy   string      `json:"requested_by"`
	RequestedName string      `json:"requested_name"`
	RequestedAt   time.Time   `json:"requested_at"`
	DecidedBy     string      `json:"decided_by,omitempty"`
	DecidedName   string      `json:"decided_name,omitempty"`
	DecidedAt     time.Time   `json:"decided_at,omitzero"`
	DecisionNote  string      `json:"decision_note,omitempty"`
	ResultSerial  string      `json:"result_serial,omitempty"`
	csr           []byte
}

// Input is what a certificate manager files.
type Input struct {
	Kind     Kind        `json:"kind"`
	AgencyID string      `json:"agency_id"`
	Profile  pki.Profile `json:"profile"`
	// SubjectUserID is the person a personal certificate is for.
	SubjectUserID string `json:"subject_user_id"`
	// TargetSerial is the certificate a renew, change, revoke, suspend or
	// resume request is about.
	TargetSerial string `json:"target_serial"`
	// CSR (PEM) when the key was made on the subscriber's token; or
	// ServerKey to have kyso keep the key for remote signing.
	CSR       string `json:"csr"`
	ServerKey bool   `json:"server_key"`
	// Reason is an RFC 5280 reason name, for revoke requests.
	Reason string `json:"reason"`
	// IdentityNumber (CCCD) and Email complete a personal subject.
	IdentityNumber string `json:"identity_number"`
	Email          string `json:"email"`
	Note           string `json:"note"`
}

// Service files and decides requests.
type Service struct {
	db  store.Handle
	org *org.Service
	pki *pki.Service
	now func() time.Time
}

// New returns a Service.
func New(db store.Handle, orgs *org.Service, p *pki.Service) *Service {
	return &Service{db: db, org: orgs, pki: p, now: time.Now}
}

// File records a request from a certificate manager of the agency. It
// checks now what can be checked (the CSR, the holder, the target), so
// that the approver decides on a request that can be carried out.
func (s *Service) File(ctx context.Context, a *org.Actor, in Input) (*Request, error) {
	ag, err := s.org.GetAgency(ctx, a, in.AgencyID)
	if err != nil {
		return nil, apperr.InvalidField("agency_id", "org.agency.not_found")
	}
	if !a.Has(org.RoleCertManager) || !a.CanSeeAgency(ag.Path) {
		return nil, apperr.New(apperr.Forbidden, "ra.not_manager")
	}
	r := &Request{
		ID: store.NewID(), Kind: in.Kind, State: StatePending, AgencyID: ag.ID, AgencyPath: ag.Path, Profile: in.Profile,
		SubjectUserID: in.SubjectUserID, ServerKey: in.ServerKey, Note: textnorm.Clean(in.Note),
		RequestedBy: a.UserID, RequestedName: a.FullName, RequestedAt: s.now().UTC().Truncate(time.Microsecond),
	}
	if len(r.Note) > 1000 {
		return nil, apperr.InvalidField("note", "ra.note_too_long")
	}
	if in.CSR != "" {
		if _, err := pki.ParseCSR([]byte(in.CSR)); err != nil {
			return nil, err
		}
		r.csr, r.HasCSR = []byte(in.CSR), true
	}
	switch in.Kind {
	case KindNew:
		if err := s.checkNew(ctx, a, ag, in, r); err != nil {
			return nil, err
		}
	case KindRenew, KindChange, KindRevoke, KindSuspend, KindResume:
		c, err := s.target(ctx, ag, in.TargetSerial)
		if err != nil {
			return nil, err
		}
		r.TargetSerial, r.Profile, r.SubjectUserID = c.Serial, c.Profile, c.UserID
		switch in.Kind {
		case KindRevoke:
			if _, err := pki.ParseReason(in.Reason); err != nil {
				return nil, err
			}
			r.Reason = in.Reason
		case KindRenew, KindChange:
			if r.HasCSR == r.ServerKey {
				return nil, apperr.InvalidField("csr", "pki.csr_or_server_key")
			}
			if err := s.subjectFor(ctx, a, ag, r, in); err != nil {
				return nil, err
			}
		}
		if err := wantStatus(in.Kind, c); err != nil {
			return nil, err
		}
	default:
		return nil, apperr.InvalidField("kind", "ra.kind_unknown", string(in.Kind))
	}
	details, _ := json.Marshal(r.Subject)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cert_requests (id, kind, status, agency_id, agency_path, profile, subject_user_id, target_serial,
			csr_der, key_mode, reason, details, note, requested_by, requested_name, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Kind, r.State, r.AgencyID, r.AgencyPath, r.Profile, nullable(r.SubjectUserID), r.TargetSerial,
			r.csr, keyMode(r.ServerKey), r.Reason, string(details), r.Note, r.RequestedBy, r.RequestedName, store.Micros(r.RequestedAt))
		if err != nil {
			return fmt.Errorf("ra: file request: %w", err)
		}
		ev := a.Event("cert_request.file", "cert_request", r.ID)
		ev.AgencyID, ev.AgencyPath, ev.At = r.AgencyID, r.AgencyPath, r.RequestedAt
		ev.Details = map[string]any{"kind": r.Kind, "profile": r.Profile, "target_serial": r.TargetSerial, "subject": r.Subject.CommonName, "reason": r.Reason}
		return audit.Append(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Service) checkNew(ctx context.Context, a *org.Actor, ag *org.Agency, in Input, r *Request) error {
	if in.Profile != pki.ProfilePersonal && in.Profile != pki.ProfileOrganization {
		return apperr.InvalidField("profile", "ra.profile_not_requestable")
	}
	if r.HasCSR == r.ServerKey {
		return apperr.InvalidField("csr", "pki.csr_or_server_key")
	}
	return s.subjectFor(ctx, a, ag, r, in)
}

// subjectFor fills the subject from the agency and the holder's record, so
// that a certificate always names people and agencies as the directory does.
func (s *Service) subjectFor(ctx context.Context, a *org.Actor, ag *org.Agency, r *Request, in Input) error {
	r.Subject = pki.Subject{Organization: ag.Name, Email: in.Email}
	switch r.Profile {
	case pki.ProfilePersonal:
		if r.SubjectUserID == "" {
			return apperr.InvalidField("subject_user_id", "ra.holder_required")
		}
		u, err := s.org.GetUser(ctx, a, r.SubjectUserID)
		if err != nil || u.AgencyID != ag.ID {
			return apperr.InvalidField("subject_user_id", "ra.holder_not_in_agency")
		}
		if !u.Active {
			return apperr.InvalidField("subject_user_id", "ra.holder_inactive")
		}
		r.Subject.CommonName, r.Subject.Title, r.Subject.IdentityNumber = u.FullName, u.Title, in.IdentityNumber
		if r.Subject.Email == "" {
			r.Subject.Email = u.Email
		}
	case pki.ProfileOrganization:
		r.SubjectUserID = ""
		r.Subject.CommonName, r.Subject.AgencyCode = ag.Name, ag.Code
	}
	return nil
}

func (s *Service) target(ctx context.Context, ag *org.Agency, serial string) (*pki.Certificate, error) {
	if serial == "" {
		return nil, apperr.InvalidField("target_serial", "ra.target_required")
	}
	c, err := s.pki.Get(ctx, serial)
	if err != nil {
		return nil, err
	}
	if c.AgencyID != ag.ID {
		return nil, apperr.New(apperr.NotFound, "pki.cert_not_found", serial)
	}
	return c, nil
}

func wantStatus(k Kind, c *pki.Certificate) error {
	ok := map[Kind][]pki.Status{
		KindRenew: {pki.StatusActive}, KindChange: {pki.StatusActive}, KindSuspend: {pki.StatusActive},
		KindResume: {pki.StatusSuspended}, KindRevoke: {pki.StatusActive, pki.StatusSuspended},
	}[k]
	for _, st := range ok {
		if c.Status == st {
			return nil
		}
	}
	return apperr.New(apperr.Conflict, "ra.wrong_status", c.Serial, string(c.Status))
}

func keyMode(server bool) string {
	if server {
		return "server"
	}
	return "csr"
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
