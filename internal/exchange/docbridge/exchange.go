package docbridge

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/docs/register"
	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/validate"
)

// Exchange is the documents domain's side of the exchange: it queues the
// packages of issued documents and the status messages of received ones
// (docs.Options.Send and Report), and takes in what arrives (the inbox's
// Handler). Every write happens in the caller's transaction, so a document
// is issued and its packages queued, or a package is registered and its
// "received" status queued, together or not at all.
type Exchange struct {
	Docs *docs.Service
	Org  *org.Service
	// Seal is the identity that signs an agency's packages and status
	// messages: its organization certificate and key.
	Seal func(ctx context.Context, agencyID string) (*keys.Identity, error)
	// Validate validates the signed PDF of an arriving document.
	Validate func(ctx context.Context, pdf []byte) (*validate.Report, error)
	// Roots are the CAs whose certificates may sign packages (the
	// validator's trust anchors). A package signed by anyone else, or by a
	// certificate that does not name the sending agency, is rejected.
	Roots *x509.CertPool
	// Wake nudges the outbox worker once a transaction that queued
	// something committed.
	Wake func()
	Log  *slog.Logger
	Now  func() time.Time

	mu       sync.Mutex
	prepared map[string]*validate.Report // message id + receiver → report
}

func (x *Exchange) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *Exchange) log() *slog.Logger {
	if x.Log != nil {
		return x.Log
	}
	return slog.Default()
}

// Send queues the package of an issued document for its recipients
// elsewhere (docs.Options.Send): one signed package, one outbox row per
// recipient.
func (x *Exchange) Send(ctx context.Context, tx *store.Tx, d *docs.Document, file []byte, to []docs.Recipient) error {
	from, err := x.Org.GetAgency(ctx, org.SystemActor("exchange"), d.AgencyID)
	if err != nil {
		return err
	}
	for _, r := range to {
		if _, err := edxml.ParseOrganID(r.OrganCode); err != nil {
			return fmt.Errorf("recipient %q: %w", r.Name, err)
		}
	}
	title := ""
	if d.SignerID != "" {
		if u, err := x.Org.GetUser(ctx, org.SystemActor("exchange"), d.SignerID); err == nil {
			title = u.Title
		}
	}
	env := Envelope(d, from, to, title, x.Docs.Place(ctx, from), docs.IssuedFileName(d), file)
	if d.Replaces != "" {
		codes := make([]string, len(to))
		for i, r := range to {
			codes[i] = r.OrganCode
		}
		env.Trace.Business.DocType = edxml.DocReplacement
		env.Trace.Business.DocReason = docs.ReplacedReason(d.Symbol)
		env.Trace.Business.Replacements = []edxml.ReplacementInfo{{DocumentID: d.Replaces, OrganIDs: codes}}
	}
	seal, err := x.Seal(ctx, from.ID)
	if err != nil {
		return fmt.Errorf("the seal of %s: %w", from.Name, err)
	}
	body, err := edxml.Build(env, seal.Signer, append([]*x509.Certificate{seal.Cert}, seal.Chain...), edxml.WithTime(x.now()))
	if err != nil {
		return fmt.Errorf("build the edXML package: %w", err)
	}
	for _, r := range to {
		if err := outbox.Enqueue(ctx, tx, outbox.Message{ID: env.MessageID, Kind: outbox.KindDocument, From: from.Code, To: r.OrganCode, Body: body}); err != nil {
			return err
		}
	}
	x.wakeAfter(tx)
	return nil
}

// Report queues the status message of a step the receiving agency took on
// a document that came from elsewhere (docs.Options.Report).
func (x *Exchange) Report(ctx context.Context, tx *store.Tx, d *docs.Document, step string) error {
	return x.report(ctx, tx, d, step, "")
}

func (x *Exchange) report(ctx context.Context, tx *store.Tx, d *docs.Document, step, reason string) error {
	if d.SenderCode == "" {
		return nil
	}
	receiver, err := x.Org.GetAgency(ctx, org.SystemActor("exchange"), d.AgencyID)
	if err != nil {
		return err
	}
	st, ok := Status(d, receiver, step, reason, x.now())
	if !ok {
		return nil // a step the standard has no status for
	}
	seal, err := x.Seal(ctx, receiver.ID)
	if err != nil {
		return fmt.Errorf("the seal of %s: %w", receiver.Name, err)
	}
	body, err := edxml.BuildStatus(st, seal.Signer, append([]*x509.Certificate{seal.Cert}, seal.Chain...), edxml.WithTime(x.now()))
	if err != nil {
		return fmt.Errorf("build the status message: %w", err)
	}
	if err := outbox.Enqueue(ctx, tx, outbox.Message{ID: st.MessageID(), Kind: outbox.KindStatus, From: receiver.Code, To: d.SenderCode, Body: body}); err != nil {
		return err
	}
	x.wakeAfter(tx)
	return nil
}

func (x *Exchange) wakeAfter(tx *store.Tx) {
	if x.Wake != nil {
		tx.AfterCommit(x.Wake)
	}
}

// checkSigner is the receiver's check of a package's signer: a
// certificate from a trusted CA, valid now, that names the sending agency.
func (x *Exchange) checkSigner(chain []*x509.Certificate, from string) error {
	if len(chain) == 0 {
		return errors.New("the package carries no signing certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: x.Roots, Intermediates: inter, CurrentTime: x.now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return fmt.Errorf("the signing certificate (%s) is not trusted here: %w", chain[0].Subject.CommonName, err)
	}
	code, err := axis.AgencyCode(chain[0])
	if err != nil {
		return err
	}
	if code != from {
		return fmt.Errorf("the package is from %s but signed with the certificate of %s", from, code)
	}
	return nil
}

func prepKey(messageID, receiver string) string { return messageID + "\x00" + receiver }

// PrepareDocument validates the signatures of an arriving document before
// the inbox's transaction (inbox.Preparer): validation may fetch OCSP
// answers and CRLs, which must not happen while the database is locked.
func (x *Exchange) PrepareDocument(ctx context.Context, receiverCode string, env *edxml.Envelope, _ []*x509.Certificate) {
	a := Arrival(env, "", "")
	if x.Validate == nil || !validate.IsPDF(a.File) {
		return
	}
	rep, err := x.Validate(ctx, a.File)
	if err != nil {
		return // HandleDocument validates again and keeps what it finds
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.prepared == nil || len(x.prepared) > 4096 {
		x.prepared = map[string]*validate.Report{}
	}
	x.prepared[prepKey(env.MessageID, receiverCode)] = rep
}

// HandleDocument registers an arriving package as an incoming document of
// the receiving agency and queues the "received" status back to the
// sender (inbox.Handler). A package signed by a certificate the receiver
// does not trust, or addressed to an agency not hosted here, is rejected;
// a document whose PDF signatures fail validation is received but
// flagged, with its report.
func (x *Exchange) HandleDocument(ctx context.Context, tx *store.Tx, receiverCode string, env *edxml.Envelope, chain []*x509.Certificate, _ []byte) error {
	if err := x.checkSigner(chain, env.Header.From.OrganID); err != nil {
		return inbox.Reject(err)
	}
	ag, err := x.Org.AgencyByCode(ctx, receiverCode)
	if err != nil {
		return inbox.Reject(fmt.Errorf("no agency %s here: %w", receiverCode, err))
	}
	in := Arrival(env, ag.ID, typeCode(ctx, tx, env))
	if len(in.File) == 0 {
		return inbox.Reject(errors.New("the package has no PDF attachment"))
	}
	key := prepKey(env.MessageID, receiverCode)
	x.mu.Lock()
	in.Report = x.prepared[key]
	x.mu.Unlock()
	tx.AfterCommit(func() {
		x.mu.Lock()
		delete(x.prepared, key)
		x.mu.Unlock()
	})
	id, err := x.Docs.ReceiveExternal(ctx, tx, in)
	if err != nil {
		return err
	}
	if b := env.Trace.Business; b.DocType == edxml.DocReplacement {
		for _, r := range b.Replacements {
			if _, err := x.Docs.WithdrawIncoming(ctx, tx, ag.ID, env.Header.From.OrganID, r.DocumentID, docs.ReplacedReason(in.Symbol)); err != nil {
				return err
			}
		}
	}
	x.log().Info("exchange: document received", "document", id, "from", env.Header.From.OrganID, "to", receiverCode, "symbol", in.Symbol)
	d := &docs.Document{AgencyID: ag.ID, SenderCode: in.SenderCode, Symbol: in.Symbol, IssuedAt: in.IssuedAt, SourceDocID: in.SourceDocID}
	return x.report(ctx, tx, d, "received", "")
}

// typeCode finds the document type of a package by the abbreviation in
// its symbol (05/QĐ-UBND → QĐ), then by its type name; công văn when
// neither is known.
func typeCode(ctx context.Context, q store.Querier, env *edxml.Envelope) string {
	types, err := register.Types(ctx, q, false)
	if err != nil {
		return "cong_van"
	}
	abbr, _, found := strings.Cut(env.Header.Code.Notation, "-")
	for _, t := range types {
		if found && t.Abbreviation != "" && t.Abbreviation == abbr {
			return t.Code
		}
	}
	for _, t := range types {
		if strings.EqualFold(t.Name, env.Header.DocumentType.TypeName) {
			return t.Code
		}
	}
	return "cong_van"
}

// HandleStatus records a recipient's status message on the sender's
// document, or a sender's recall of a document received here
// (inbox.Handler), which is answered with "15 agreed".
func (x *Exchange) HandleStatus(ctx context.Context, tx *store.Tx, receiverCode string, st *edxml.Status, chain []*x509.Certificate) error {
	if err := x.checkSigner(chain, st.From.OrganID); err != nil {
		return inbox.Reject(err)
	}
	if st.ResponseFor.DocumentID == "" {
		return inbox.Reject(errors.New("the status message names no document (ResponseFor/DocumentId)"))
	}
	if st.Code == edxml.StatusWithdrawn && st.ResponseFor.OrganID == st.From.OrganID {
		ag, err := x.Org.AgencyByCode(ctx, receiverCode)
		if err != nil {
			return inbox.Reject(fmt.Errorf("no agency %s here: %w", receiverCode, err))
		}
		found, err := x.Docs.WithdrawIncoming(ctx, tx, ag.ID, st.From.OrganID, st.ResponseFor.DocumentID, st.Description)
		if err != nil || !found {
			return err // a recall of what never arrived: nothing to take back
		}
		d := &docs.Document{AgencyID: ag.ID, SenderCode: st.From.OrganID, Symbol: st.ResponseFor.Code, SourceDocID: st.ResponseFor.DocumentID}
		if !st.ResponseFor.PromulgationDate.IsZero() {
			d.IssuedAt = st.ResponseFor.PromulgationDate.Time()
		}
		return x.report(ctx, tx, d, "withdrawn", "")
	}
	return x.Docs.RecipientStatus(ctx, tx, st.ResponseFor.DocumentID, st.From.OrganID, Step(st.Code))
}

// Recall sends an issued document's recall (status 13) to its recipients
// elsewhere (docs.Options.Recall).
func (x *Exchange) Recall(ctx context.Context, tx *store.Tx, d *docs.Document, reason string, to []docs.Recipient) error {
	from, err := x.Org.GetAgency(ctx, org.SystemActor("exchange"), d.AgencyID)
	if err != nil {
		return err
	}
	seal, err := x.Seal(ctx, from.ID)
	if err != nil {
		return fmt.Errorf("the seal of %s: %w", from.Name, err)
	}
	st := &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganID: from.Code, Code: d.Symbol, PromulgationDate: edxml.DateOf(d.IssuedAt), DocumentID: d.ID},
		From:        edxml.Organ{OrganID: from.Code, OrganName: from.Name},
		Code:        edxml.StatusWithdrawn, Description: reason, Timestamp: x.now(),
	}
	body, err := edxml.BuildStatus(st, seal.Signer, append([]*x509.Certificate{seal.Cert}, seal.Chain...), edxml.WithTime(x.now()))
	if err != nil {
		return fmt.Errorf("build the recall: %w", err)
	}
	for _, r := range to {
		if err := outbox.Enqueue(ctx, tx, outbox.Message{ID: st.MessageID(), Kind: outbox.KindStatus, From: from.Code, To: r.OrganCode, Body: body}); err != nil {
			return err
		}
	}
	x.wakeAfter(tx)
	return nil
}

// HandleRejection answers a package this deployment refused with a "02
// rejected" status message, when the package parsed far enough to say
// which document it was (inbox.RejectionHandler). A status message is never
// answered, so that two deployments cannot reject each other forever.
func (x *Exchange) HandleRejection(ctx context.Context, tx *store.Tx, r *inbox.Rejection) error {
	if r.Envelope == nil || r.Kind != inbox.KindDocument {
		return nil
	}
	ag, err := x.Org.AgencyByCode(ctx, r.ReceiverCode)
	if err != nil {
		return nil // not ours: nobody here can answer for it
	}
	if _, err := x.Seal(ctx, ag.ID); err != nil {
		return nil
	}
	h := r.Envelope.Header
	d := &docs.Document{AgencyID: ag.ID, SenderCode: h.From.OrganID, Symbol: h.Code.String(), SourceDocID: h.DocumentID}
	if !h.Promulgation.Date.IsZero() {
		d.IssuedAt = h.Promulgation.Date.Time()
	}
	return x.report(ctx, tx, d, "rejected", r.Reason)
}
