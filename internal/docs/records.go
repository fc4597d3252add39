package docs

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/validate"
)

// Record is a work record (hồ sơ công việc): the documents of one matter.
type Record struct {
	ID             string      `json:"id" xml:"id,attr"`
	AgencyID       string      `json:"agency_id" xml:"-"`
	Code           string      `json:"code" xml:"MaHoSo"`
	Title          string      `json:"title" xml:"TieuDe"`
	RetentionYears int         `json:"retention_years" xml:"ThoiHanBaoQuan"` // 0: permanent (vĩnh viễn)
	Status         string      `json:"status" xml:"TrangThai"`               // open, closed
	CreatedAt      time.Time   `json:"created_at" xml:"NgayTao"`
	ClosedAt       time.Time   `json:"closed_at,omitzero" xml:"NgayDong,omitempty"`
	Documents      []*Document `json:"documents,omitempty" xml:"-"`
}

// RecordInput opens a record.
type RecordInput struct {
	Code           string `json:"code"`
	Title          string `json:"title"`
	RetentionYears int    `json:"retention_years"`
}

// recordCode keeps codes printable and short: they go on folder labels and
// into file names of the archival package.
var recordCode = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}./_-]{0,63}$`)

// CreateRecord opens a work record in the actor's agency.
func (s *Service) CreateRecord(ctx context.Context, a *org.Actor, in RecordInput) (*Record, error) {
	in.Code, in.Title = clean(in.Code), clean(in.Title)
	switch {
	case a.AgencyID == "" || !a.HasAny(org.RoleSpecialist, org.RoleLeader, org.RoleClerk):
		return nil, apperr.New(apperr.Forbidden, "records.forbidden")
	case !recordCode.MatchString(in.Code):
		return nil, apperr.InvalidField("code", "records.code_invalid")
	case in.Title == "":
		return nil, apperr.InvalidField("title", "records.title_required")
	case in.RetentionYears < 0 || in.RetentionYears > 100:
		return nil, apperr.InvalidField("retention_years", "records.retention_invalid")
	}
	r := &Record{ID: store.NewID(), AgencyID: a.AgencyID, Code: in.Code, Title: in.Title, RetentionYears: in.RetentionYears, Status: "open", CreatedAt: s.o.Now()}
	err := s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_records (id, agency_id, code, title, retention_years, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.AgencyID, r.Code, r.Title, r.RetentionYears, a.UserID, store.Micros(r.CreatedAt)); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.InvalidField("code", "records.code_taken")
			}
			return fmt.Errorf("docs: create record: %w", err)
		}
		ev := a.Event("record.created", "record", r.ID)
		ev.Details = map[string]any{"code": r.Code, "title": r.Title}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// loadRecord reads a record of the actor's agency.
func (s *Service) loadRecord(ctx context.Context, q store.Querier, a *org.Actor, id string) (*Record, error) {
	r := &Record{}
	var created, closed int64
	err := q.QueryRowContext(ctx, `SELECT id, agency_id, code, title, retention_years, status, created_at, closed_at FROM work_records WHERE id = ?`, id).
		Scan(&r.ID, &r.AgencyID, &r.Code, &r.Title, &r.RetentionYears, &r.Status, &created, &closed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.System && r.AgencyID != a.AgencyID) {
		return nil, apperr.New(apperr.NotFound, "records.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("docs: record: %w", err)
	}
	r.CreatedAt, r.ClosedAt = store.FromMicros(created), timeOrZero(closed)
	return r, nil
}

// AddToRecord files a document in an open record.
func (s *Service) AddToRecord(ctx context.Context, a *org.Actor, recordID, docID string) error {
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.loadRecord(ctx, tx, a, recordID)
		if err != nil {
			return err
		}
		if r.Status != "open" {
			return apperr.New(apperr.Conflict, "records.closed")
		}
		d, err := s.load(ctx, tx, a, docID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_record_documents (record_id, document_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			r.ID, d.ID, store.Micros(s.o.Now())); err != nil {
			return fmt.Errorf("docs: file in record: %w", err)
		}
		return s.event(ctx, tx, a, d, "filed", r.Code+" — "+r.Title, "", map[string]any{"record": r.ID})
	})
}

// CloseRecord closes a record: nothing more is filed in it, and it can be
// exported for the archive.
func (s *Service) CloseRecord(ctx context.Context, a *org.Actor, id string) error {
	return s.o.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.loadRecord(ctx, tx, a, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE work_records SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`, store.Micros(s.o.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "records.closed")
		}
		ev := a.Event("record.closed", "record", r.ID)
		ev.Details = map[string]any{"code": r.Code}
		return appendAudit(ctx, tx, ev)
	})
}

// GetRecord returns a record with its documents.
func (s *Service) GetRecord(ctx context.Context, a *org.Actor, id string) (*Record, error) {
	r, err := s.loadRecord(ctx, s.o.DB, a, id)
	if err != nil {
		return nil, err
	}
	r.Documents, err = s.query(ctx, a, `d.id IN (SELECT document_id FROM work_record_documents WHERE record_id = ?) ORDER BY d.created_at`, id)
	return r, err
}

// Records lists the agency's records, open first.
func (s *Service) Records(ctx context.Context, a *org.Actor) ([]*Record, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT id FROM work_records WHERE agency_id = ? ORDER BY status DESC, created_at DESC LIMIT 500`, a.AgencyID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []*Record
	for _, id := range ids {
		r, err := s.loadRecord(ctx, s.o.DB, a, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// archiveDocument is a document's metadata in the archival package, with
// the field names of Decree 30 Appendix VI in Vietnamese.
type archiveDocument struct {
	XMLName   xml.Name `xml:"VanBan" json:"-"`
	ID        string   `xml:"MaDinhDanh" json:"id"`
	Direction string   `xml:"LoaiVanBanDiDen" json:"direction"`
	Type      string   `xml:"TenLoaiVanBan" json:"type"`
	Number    string   `xml:"SoKyHieu" json:"symbol"`
	Date      string   `xml:"NgayThang" json:"date"`
	Subject   string   `xml:"TrichYeu" json:"subject"`
	Issuer    string   `xml:"CoQuanBanHanh" json:"issuer"`
	Signer    string   `xml:"NguoiKy,omitempty" json:"signer,omitempty"`
	File      string   `xml:"TepTin" json:"file"`
	SHA256    string   `xml:"SHA256" json:"sha256"`
	// PDFA is the PDF/A-2b copy of an unsigned file.
	PDFA    string `xml:"TepPDFA,omitempty" json:"pdfa,omitempty"`
	Report  string `xml:"BaoCaoKiemTraChuKy" json:"validation_report"`
	Verdict string `xml:"KetQuaKiemTra" json:"validation"`
}

// ExportRecord writes a closed record as an archival package (ZIP): each
// document's latest PDF as signed (the signatures are the evidence, so a
// signed file is not converted), a PDF/A-2b copy of each unsigned one (a
// scanned paper document), a validation report per document (HTML, made
// now), and the metadata in XML and JSON (Decree 30 App. VI: "xuất hồ sơ
// ra PDF và XML").
func (s *Service) ExportRecord(ctx context.Context, a *org.Actor, id string, w io.Writer) error {
	r, err := s.GetRecord(ctx, a, id)
	if err != nil {
		return err
	}
	if r.Status != "closed" {
		return apperr.New(apperr.Conflict, "records.not_closed")
	}
	zw := zip.NewWriter(w)
	var meta []archiveDocument
	for i, d := range r.Documents {
		v, data, err := s.File(ctx, a, d.ID, 0)
		if err != nil {
			return err
		}
		base := fmt.Sprintf("%02d-%s", i+1, safeName(strings.TrimSuffix(v.FileName, ".pdf")))
		if err := writeZip(zw, base+".pdf", data); err != nil {
			return err
		}
		ad := archiveDocument{ID: d.ID, Direction: string(d.Direction), Type: d.TypeName, Number: d.Symbol, Subject: d.Subject,
			Issuer: d.AgencyName, Signer: d.SignerName, File: base + ".pdf", SHA256: v.Blob}
		// PDF/A where the input allows: an unsigned file gets a PDF/A
		// copy beside it; a signed one stays as it is, since rewriting
		// it would break its signatures.
		if validate.IsPDF(data) && !signed(data) {
			if pa, err := s.o.PDFA(ctx, data); err == nil {
				ad.PDFA = base + "-pdfa.pdf"
				if err := writeZip(zw, ad.PDFA, pa); err != nil {
					return err
				}
			} else {
				s.o.Log.Warn("docs: archive without a PDF/A copy", "document", d.ID, "err", err)
			}
		}
		if d.Direction == Incoming {
			ad.Issuer = d.SenderName
		}
		if !d.IssuedAt.IsZero() {
			ad.Date = d.IssuedAt.In(vietnam).Format("2006-01-02")
		}
		if s.o.Validate != nil && validate.IsPDF(data) {
			if rep, err := s.o.Validate(ctx, data); err == nil {
				var b strings.Builder
				rep.FileName = v.FileName
				if err := rep.WriteHTML(&b, i18n.VI); err == nil {
					ad.Report, ad.Verdict = base+"-kiem-tra-chu-ky.html", string(rep.Indication)
					if err := writeZip(zw, ad.Report, []byte(b.String())); err != nil {
						return err
					}
				}
			}
		}
		meta = append(meta, ad)
	}
	x, err := xml.MarshalIndent(struct {
		XMLName xml.Name `xml:"HoSo"`
		*Record
		Documents []archiveDocument `xml:"DanhSachVanBan>VanBan"`
	}{Record: r, Documents: meta}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeZip(zw, "ho-so.xml", append([]byte(xml.Header), x...)); err != nil {
		return err
	}
	j, err := json.MarshalIndent(struct {
		*Record
		Documents []archiveDocument `json:"documents"`
	}{r, meta}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeZip(zw, "ho-so.json", j); err != nil {
		return err
	}
	return zw.Close()
}

var vietnam = time.FixedZone("+07", 7*3600)

func writeZip(zw *zip.Writer, name string, data []byte) error {
	f, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// safeName keeps a file name portable inside the package.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/' || r == '\\' || r == ':' || r < 32:
			b.WriteRune('-')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "van-ban"
	}
	return b.String()
}
