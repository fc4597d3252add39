package docs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
)

// StatusWithdrawn is an issued document its sender took back ("thu hồi"),
// on the sender's side and at every recipient.
const StatusWithdrawn Status = "withdrawn"

// Recall takes back an issued document (edXML status 13, "lấy lại"): the
// clerk of the issuing agency gives the reason. Recipients on this
// deployment see it withdrawn at once; those elsewhere are sent the recall
// through the exchange (Options.Recall), in the same transaction, and
// their agreement comes back as a status message.
func (s *Service) Recall(ctx context.Context, a *org.Actor, id, reason string) error {
	reason = clean(reason)
	if reason == "" {
		return apperr.InvalidField("reason", "docs.recall_reason_required")
	}
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.Has(org.RoleClerk) || a.AgencyID != d.AgencyID {
			return apperr.New(apperr.Forbidden, "docs.only_clerk")
		}
		if d.Direction != Outgoing {
			return apperr.New(apperr.Conflict, "docs.wrong_status")
		}
		if err := s.setStatus(ctx, tx, d, []Status{StatusIssued}, StatusWithdrawn); err != nil {
			return err
		}
		if err := s.event(ctx, tx, a, d, "recalled", reason, "", nil); err != nil {
			return err
		}
		// Recipients here: their copy is withdrawn now.
		if err := s.withdrawCopies(ctx, tx, d.ID, reason, "withdrawn"); err != nil {
			return err
		}
		// Recipients elsewhere.
		to, err := externalRecipients(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if len(to) == 0 {
			return nil
		}
		if s.o.Recall == nil {
			return apperr.New(apperr.Conflict, "docs.no_exchange")
		}
		return s.o.Recall(ctx, tx, d, reason, to)
	})
}

// withdrawCopy marks an incoming document withdrawn by its sender and
// tells the agency's clerks. Its processing stops; the file stays, as the
// record of what arrived.
func (s *Service) withdrawCopy(ctx context.Context, tx *store.Tx, id, reason string) error {
	d, err := s.load(ctx, tx, org.SystemActor("docs"), id)
	if err != nil {
		return err
	}
	if d.Status == StatusWithdrawn {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, updated_at = ? WHERE id = ?`, string(StatusWithdrawn), store.Micros(s.o.Now()), id); err != nil {
		return fmt.Errorf("docs: withdraw: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE document_assignments SET status = 'done' WHERE document_id = ? AND status = 'open'`, id); err != nil {
		return fmt.Errorf("docs: withdraw: %w", err)
	}
	if err := s.event(ctx, tx, org.SystemActor(d.SenderName), d, "withdrawn_by_sender", reason, "", nil); err != nil {
		return err
	}
	clerks, err := s.usersWithRole(ctx, tx, d.AgencyID, org.RoleClerk)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, clerks, d.ID, "notify.withdrawn", d.Subject)
}

// WithdrawIncoming records a recall that arrived through the exchange: the
// document senderCode sent as sourceDocID, at the agency agencyID. It
// reports whether there was such a document.
func (s *Service) WithdrawIncoming(ctx context.Context, tx *store.Tx, agencyID, senderCode, sourceDocID, reason string) (bool, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE agency_id = ? AND direction = 'in' AND sender_code = ? AND source_doc = ?`,
		agencyID, strings.ToUpper(senderCode), sourceDocID).Scan(&id)
	if err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("docs: withdraw: %w", err)
	}
	return true, s.withdrawCopy(ctx, tx, id, clean(reason))
}

// replaceEarlier withdraws, when d is issued, the document d replaces:
// at once for its recipients here; recipients elsewhere learn it from d's
// package, which names the replaced document.
func (s *Service) replaceEarlier(ctx context.Context, tx *store.Tx, a *org.Actor, d *Document) error {
	if d.Replaces == "" {
		return nil
	}
	old, err := s.load(ctx, tx, a, d.Replaces)
	if err != nil {
		return err
	}
	if old.Status != StatusIssued {
		return nil // recalled meanwhile: nothing left to replace
	}
	if err := s.setStatus(ctx, tx, old, []Status{StatusIssued}, StatusWithdrawn); err != nil {
		return err
	}
	if err := s.event(ctx, tx, a, old, "replaced", d.Symbol, "", map[string]any{"replaced_by": d.ID}); err != nil {
		return err
	}
	return s.withdrawCopies(ctx, tx, old.ID, ReplacedReason(d.Symbol), "updated")
}

// withdrawCopies withdraws the copies of the sender's document sourceID at
// the agencies of this deployment, and records step as each recipient's
// status on the sender's document.
func (s *Service) withdrawCopies(ctx context.Context, tx *store.Tx, sourceID, reason, step string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, agency_id FROM documents WHERE source_id = ? AND direction = 'in'`, sourceID)
	if err != nil {
		return fmt.Errorf("docs: copies of %s: %w", sourceID, err)
	}
	type copyAt struct{ id, agency string }
	var copies []copyAt
	for rows.Next() {
		var c copyAt
		if err := rows.Scan(&c.id, &c.agency); err != nil {
			rows.Close()
			return err
		}
		copies = append(copies, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range copies {
		if err := s.withdrawCopy(ctx, tx, c.id, reason); err != nil {
			return err
		}
		if err := s.recipientStatus(ctx, tx, sourceID, c.agency, "", step); err != nil {
			return err
		}
	}
	return nil
}

// ReplacedReason is the note a replaced document's copies carry.
func ReplacedReason(symbol string) string {
	return "Được thay thế bởi văn bản số " + symbol
}
