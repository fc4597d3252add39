package docs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
)

// world is the demo province with its CA, signing keys held by kyso for the
// leader of Sở TT&TT and the agency's organization certificate.
type world struct {
	svc    *docs.Service
	orgs   *org.Service
	actors map[string]*org.Actor
	pdf    []byte
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	orgs := org.New(db, org.WithPasswordParams(password.Fast))
	sys := org.SystemActor("test")
	if _, err := demo.Populate(ctx, orgs, sys); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca, err := pki.Bootstrap(ctx, db, pki.Config{DataDir: dir, PublicURL: "http://127.0.0.1:1", Passphrase: []byte("cụm mật khẩu kiểm thử")},
		pki.HierarchyOptions{Organization: "UBND tỉnh Quảng Ngãi", RootKey: "ecdsa-p256", IssuingKey: "ecdsa-p256", ServiceKey: "ecdsa-p256"})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{orgs: orgs, actors: map[string]*org.Actor{}}
	for _, name := range []string{"giamdoc.stttt", "vanthu.stttt", "chuyenvien.stttt", "chungthu.stttt", "vanthu.snv", "giamdoc.snv", "chuyenvien.snv"} {
		u, _, err := orgs.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		w.actors[name] = u.Actor("127.0.0.1")
	}
	leader := w.actors["giamdoc.stttt"]
	if _, err := ca.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, KeyAlgorithm: "ecdsa-p256", UserID: leader.UserID, AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: leader.FullName, Organization: "Sở Thông tin và Truyền thông"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfileOrganization, ServerKey: true, KeyAlgorithm: "ecdsa-p256", AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: "Sở Thông tin và Truyền thông", Organization: "Sở Thông tin và Truyền thông", AgencyCode: "000.00.31.H56"}}); err != nil {
		t.Fatal(err)
	}
	w.svc = docs.New(docs.Options{DB: db, Blobs: blobs, Org: orgs, PKI: ca})
	in, err := os.ReadFile(testpdf.Ghostscript(t, t.TempDir(), "QUYET DINH", "Trang 2"))
	if err != nil {
		t.Fatal(err)
	}
	w.pdf = in
	return w
}

func (w *world) agencyOf(t *testing.T, username string) string { return w.actors[username].AgencyID }

func kind(err error) apperr.Kind {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return -1
}

// TestOutgoingAndIncomingFlow walks a decision from draft to issue at Sở
// TT&TT and, at Sở Nội vụ, from arrival to completion, checking the
// statuses, the number, the permissions at each step and the sender's view
// of the recipient's progress.
func TestOutgoingAndIncomingFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		a := w.actors
		d, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], docs.DraftInput{
			TypeCode: "quyet_dinh", Subject: "Quyết định ban hành quy chế sử dụng chữ ký số", SignerID: a["giamdoc.stttt"].UserID,
			RecipientIDs: []string{w.agencyOf(t, "vanthu.snv")}, FileName: "du-thao.pdf", File: w.pdf,
		})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != docs.StatusDraft || d.TypeName != "Quyết định" {
			t.Fatalf("draft: %+v", d)
		}
		// Another agency cannot read it; a specialist cannot sign or issue.
		if _, err := w.svc.Get(ctx, a["vanthu.snv"], d.ID); kind(err) != apperr.NotFound {
			t.Fatalf("another agency reads the draft: %v", err)
		}
		if err := w.svc.Submit(ctx, a["chuyenvien.stttt"], d.ID, []string{a["chungthu.stttt"].UserID}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Review(ctx, a["chungthu.stttt"], d.ID, false, ""); kind(err) != apperr.Invalid {
			t.Fatalf("return without a comment: %v", err)
		}
		if err := w.svc.Review(ctx, a["chungthu.stttt"], d.ID, false, "Bổ sung căn cứ pháp lý"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ReviseDraft(ctx, a["chuyenvien.stttt"], d.ID, "du-thao-2.pdf", w.pdf); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Submit(ctx, a["chuyenvien.stttt"], d.ID, []string{a["chungthu.stttt"].UserID}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Review(ctx, a["chungthu.stttt"], d.ID, true, "Đồng ý"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Sign(ctx, a["chuyenvien.stttt"], d.ID); kind(err) != apperr.Forbidden {
			t.Fatalf("a specialist signs: %v", err)
		}
		if _, err := w.svc.Issue(ctx, a["chuyenvien.stttt"], d.ID); kind(err) != apperr.Forbidden {
			t.Fatalf("a specialist issues: %v", err)
		}
		if err := w.svc.Sign(ctx, a["giamdoc.stttt"], d.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Sign(ctx, a["giamdoc.stttt"], d.ID); kind(err) != apperr.Conflict {
			t.Fatalf("signing twice: %v", err)
		}
		issued, err := w.svc.Issue(ctx, a["vanthu.stttt"], d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if issued.Status != docs.StatusIssued || issued.Number != 1 || issued.Symbol != "01/QĐ-STTTT" {
			t.Fatalf("issued: %+v", issued)
		}
		_, final, err := w.svc.File(ctx, a["vanthu.stttt"], d.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkTwoSignatures(t, final)

		// Sở Nội vụ: received at once, registered, assigned, completed.
		tasks, err := w.svc.Tasks(ctx, a["vanthu.snv"])
		if err != nil || len(tasks.ToRegister) != 1 || tasks.ToRegister[0].Symbol != "01/QĐ-STTTT" || tasks.ToRegister[0].SenderName == "" {
			t.Fatalf("incoming at Sở Nội vụ: %+v %v", tasks, err)
		}
		in := tasks.ToRegister[0]
		if _, err := w.svc.RegisterIncoming(ctx, a["chuyenvien.snv"], in.ID); kind(err) != apperr.Forbidden {
			t.Fatalf("a specialist registers: %v", err)
		}
		reg, err := w.svc.RegisterIncoming(ctx, a["vanthu.snv"], in.ID)
		if err != nil || reg.InNumber != 1 {
			t.Fatalf("register: %+v %v", reg, err)
		}
		if err := w.svc.Assign(ctx, a["giamdoc.snv"], in.ID, docs.AssignInput{AssigneeID: a["chuyenvien.snv"].UserID, Deadline: time.Now().Add(72 * time.Hour), Instructions: "Đề nghị nghiên cứu, tham mưu triển khai"}); err != nil {
			t.Fatal(err)
		}
		if tasks, _ := w.svc.Tasks(ctx, a["chuyenvien.snv"]); len(tasks.Assigned) != 1 {
			t.Fatalf("assigned list: %+v", tasks)
		}
		if err := w.svc.Comment(ctx, a["chuyenvien.snv"], in.ID, "Đã phối hợp với Văn phòng"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Complete(ctx, a["chuyenvien.snv"], in.ID, "Đã triển khai"); err != nil {
			t.Fatal(err)
		}
		// The sender sees the recipient's progress.
		det, err := w.svc.Get(ctx, a["chuyenvien.stttt"], d.ID)
		if err != nil || len(det.Recipients) != 1 || det.Recipients[0].Status != "completed" {
			t.Fatalf("sender's view: %+v %v", det, err)
		}
		var steps []string
		for _, e := range det.Timeline {
			steps = append(steps, e.Action)
		}
		want := "drafted submitted_for_review returned revised submitted_for_review approved signed issued status_received status_registered status_assigned status_completed"
		if strings.Join(steps, " ") != want {
			t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(steps, " "), want)
		}
		st, err := w.svc.Stats(ctx, a["giamdoc.snv"], w.agencyOf(t, "giamdoc.snv"), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil || st.Received != 1 || st.Completed != 1 || st.CompletedOnTime != 1 {
			t.Fatalf("stats: %+v %v", st, err)
		}
	})
}

// TestConfidentialIsNeverSentElectronically: a document marked "Mật" is
// refused at issue, with the reason, and nothing changes.
func TestConfidentialIsNeverSentElectronically(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := w.actors
	d, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], docs.DraftInput{TypeCode: "cong_van", Subject: "Báo cáo tình hình an ninh mạng", Confidentiality: "confidential",
		SignerID: a["giamdoc.stttt"].UserID, RecipientIDs: []string{w.agencyOf(t, "vanthu.snv")}, FileName: "mat.pdf", File: w.pdf})
	if err != nil {
		t.Fatal(err)
	}
	// The specialist outside the work cannot see it in lists either.
	if err := w.svc.Submit(ctx, a["chuyenvien.stttt"], d.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Sign(ctx, a["giamdoc.stttt"], d.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Issue(ctx, a["vanthu.stttt"], d.ID)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Key != "docs.confidential_no_electronic" {
		t.Fatalf("confidential issue: %v", err)
	}
	got, _ := w.svc.Get(ctx, a["vanthu.stttt"], d.ID)
	if got.Status != docs.StatusSigned || got.Number != 0 {
		t.Fatalf("after the refusal: %+v", got.Document)
	}
	if tasks, _ := w.svc.Tasks(ctx, a["vanthu.snv"]); len(tasks.ToRegister) != 0 {
		t.Fatal("the secret document arrived elsewhere")
	}
	// Issued on paper instead: numbered in the secret series, sent nowhere.
	if _, err := w.svc.IssuePaper(ctx, a["chuyenvien.stttt"], d.ID); kind(err) != apperr.Forbidden {
		t.Fatalf("a specialist issues on paper: %v", err)
	}
	paper, err := w.svc.IssuePaper(ctx, a["vanthu.stttt"], d.ID)
	if err != nil || paper.Status != docs.StatusIssued || paper.Number != 1 || paper.Symbol != "01/STTTT-BCVT&CNTT" {
		t.Fatalf("on paper: %+v %v", paper, err)
	}
	if tasks, _ := w.svc.Tasks(ctx, a["vanthu.snv"]); len(tasks.ToRegister) != 0 {
		t.Fatal("the paper document arrived electronically")
	}
	// The ordinary series is untouched: the next decision is still 01.
	if d := w.issueOne(t, "Quyết định thường"); d.Symbol != "01/QĐ-STTTT" {
		t.Fatalf("ordinary series after a secret one: %s", d.Symbol)
	}
}

// TestBadUploads: garbage, an empty file and an unknown type are refused
// with the field named, and nothing is created.
func TestBadUploads(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := w.actors
	base := docs.DraftInput{TypeCode: "quyet_dinh", Subject: "Thử", SignerID: a["giamdoc.stttt"].UserID, FileName: "x.pdf", File: w.pdf}
	for name, edit := range map[string]func(*docs.DraftInput){
		"not a pdf":     func(in *docs.DraftInput) { in.File = []byte("%PDF-1.7 garbage") },
		"empty":         func(in *docs.DraftInput) { in.File = nil },
		"exe":           func(in *docs.DraftInput) { in.File, in.FileName = []byte("MZ"), "x.exe" },
		"unknown type":  func(in *docs.DraftInput) { in.TypeCode = "khong_co" },
		"signer":        func(in *docs.DraftInput) { in.SignerID = a["chuyenvien.stttt"].UserID },
		"other signer":  func(in *docs.DraftInput) { in.SignerID = a["giamdoc.snv"].UserID },
		"no subject":    func(in *docs.DraftInput) { in.Subject = "  " },
		"bad recipient": func(in *docs.DraftInput) { in.RecipientCodes = []string{"không phải mã"} },
	} {
		in := base
		edit(&in)
		if _, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], in); kind(err) != apperr.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if list, _ := w.svc.List(ctx, a["chuyenvien.stttt"], docs.Filter{}); len(list) != 0 {
		t.Fatalf("refused drafts left %d documents", len(list))
	}
}

// checkTwoSignatures asks poppler's pdfsig (an independent validator) about
// the issued file: the leader's and the organization's signatures, both
// cryptographically valid.
func checkTwoSignatures(t *testing.T, pdf []byte) {
	t.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		t.Log("pdfsig not installed; skipping its check")
		return
	}
	f := filepath.Join(t.TempDir(), "issued.pdf")
	_ = os.WriteFile(f, pdf, 0o600)
	out, _ := exec.Command("pdfsig", "-nocert", f).CombinedOutput()
	if strings.Count(string(out), "Signature is Valid.") != 2 || !strings.Contains(string(out), "Nguyễn Văn Đức") || !strings.Contains(string(out), "Sở Thông tin và Truyền thông") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

// issueOne takes a decision from draft to issued, without reviewers.
func (w *world) issueOne(t *testing.T, subject string) *docs.Document {
	t.Helper()
	ctx := context.Background()
	a := w.actors
	d, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], docs.DraftInput{TypeCode: "quyet_dinh", Subject: subject,
		SignerID: a["giamdoc.stttt"].UserID, FileName: "qd.pdf", File: w.pdf})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Submit(ctx, a["chuyenvien.stttt"], d.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Sign(ctx, a["giamdoc.stttt"], d.ID); err != nil {
		t.Fatal(err)
	}
	issued, err := w.svc.Issue(ctx, a["vanthu.stttt"], d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return issued
}

// TestWorkRecordExport: a closed record exports as a ZIP with each signed
// PDF as it is, a validation report, and XML/JSON metadata.
func TestWorkRecordExport(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := w.actors["chuyenvien.stttt"]
	d1 := w.issueOne(t, "Quyết định thành lập tổ công tác")
	d2 := w.issueOne(t, "Quyết định phân công nhiệm vụ")
	if d2.Symbol != "02/QĐ-STTTT" {
		t.Fatalf("second number: %s", d2.Symbol)
	}
	r, err := w.svc.CreateRecord(ctx, a, docs.RecordInput{Code: "HS.2026/01", Title: "Hồ sơ triển khai chữ ký số", RetentionYears: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateRecord(ctx, a, docs.RecordInput{Code: "HS.2026/01", Title: "Trùng mã"}); kind(err) != apperr.Invalid {
		t.Fatalf("duplicate code: %v", err)
	}
	// A paper document the clerk scanned: unsigned, so archived with a
	// PDF/A copy.
	paper, err := w.svc.ReceiveUpload(ctx, w.actors["vanthu.stttt"], docs.Arrival{TypeCode: "cong_van", Subject: "Công văn giấy của Bưu điện tỉnh",
		SenderName: "Bưu điện tỉnh Quảng Ngãi", Symbol: "15/BĐQN", FileName: "cong-van-giay.pdf", File: w.pdf, Paper: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*docs.Document{d1, d2, paper} {
		if err := w.svc.AddToRecord(ctx, a, r.ID, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.svc.ExportRecord(ctx, a, r.ID, &buf); kind(err) != apperr.Conflict {
		t.Fatalf("export of an open record: %v", err)
	}
	if err := w.svc.CloseRecord(ctx, a, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AddToRecord(ctx, a, r.ID, d1.ID); kind(err) != apperr.Conflict {
		t.Fatalf("filing in a closed record: %v", err)
	}
	if _, err := w.svc.GetRecord(ctx, w.actors["vanthu.snv"], r.ID); kind(err) != apperr.NotFound {
		t.Fatalf("another agency reads the record: %v", err)
	}
	if err := w.svc.ExportRecord(ctx, a, r.ID, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	got := strings.Join(names, " ")
	if !strings.Contains(got, "01-01-QĐ-STTTT.pdf") || !strings.Contains(got, "ho-so.xml") || !strings.Contains(got, "ho-so.json") {
		t.Fatalf("package: %s", got)
	}
	// The signed documents are not rewritten; the paper one has a PDF/A
	// copy with the PDF/A identification and an sRGB output intent.
	var pdfa []string
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "-pdfa.pdf") {
			pdfa = append(pdfa, f.Name)
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Contains(data, []byte("pdfaid:part='2'")) && !bytes.Contains(data, []byte(`pdfaid:part="2"`)) {
				t.Errorf("%s has no PDF/A-2 identification", f.Name)
			}
			if qpdf, err := exec.LookPath("qpdf"); err == nil {
				in := filepath.Join(t.TempDir(), "pdfa.pdf")
				_ = os.WriteFile(in, data, 0o600)
				plain, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", in, "-").Output()
				if err != nil || !bytes.Contains(plain, []byte("/GTS_PDFA1")) {
					t.Errorf("%s: no PDF/A output intent (%v)", f.Name, err)
				}
			}
		}
	}
	if len(pdfa) != 1 || !strings.HasPrefix(pdfa[0], "03-") {
		t.Fatalf("PDF/A copies: %v (want the paper document's only)", pdfa)
	}
}

// TestDOCXDrafts: a DOCX draft becomes a PDF with LibreOffice; without
// LibreOffice the message says what to do.
func TestDOCXDrafts(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
	}
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := w.actors
	dir := t.TempDir()
	txt := filepath.Join(dir, "to-trinh.txt")
	_ = os.WriteFile(txt, []byte("TỜ TRÌNH\nVề việc triển khai chữ ký số chuyên dùng Chính phủ\n"), 0o600)
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "docx", "--outdir", dir, txt)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make a docx: %v\n%s", err, out)
	}
	docx, err := os.ReadFile(filepath.Join(dir, "to-trinh.docx"))
	if err != nil {
		t.Fatal(err)
	}
	in := docs.DraftInput{TypeCode: "to_trinh", Subject: "Tờ trình triển khai chữ ký số", SignerID: a["giamdoc.stttt"].UserID, FileName: "to-trinh.docx", File: docx}
	d, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], in)
	if err != nil {
		t.Fatal(err)
	}
	v, data, err := w.svc.File(ctx, a["chuyenvien.stttt"], d.ID, 0)
	if err != nil || v.FileName != "to-trinh.pdf" || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("converted: %+v %v", v, err)
	}
	t.Setenv("PATH", dir) // no LibreOffice here
	_, err = w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], in)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Key != "docs.no_libreoffice" {
		t.Fatalf("without LibreOffice: %v", err)
	}
}

// TestSearchFindsDocuments: with and without diacritics, by subject and by
// number, only in the actor's agency.
func TestSearchFindsDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		d := w.issueOne(t, "Quyết định về việc triển khai chữ ký số chuyên dùng")
		w.issueOne(t, "Quyết định thành lập hội đồng thi đua")
		a := w.actors["chuyenvien.stttt"]
		for _, q := range []string{"ky so", "ký số", "KÝ SỐ", "trien khai chu ky", "Quyet dinh 01", "01/QĐ-STTTT"} {
			got, _, err := w.svc.Search(ctx, a, docs.SearchQuery{Text: q})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if len(got) == 0 || got[0].ID != d.ID {
				t.Errorf("%q: got %d documents, want the first decision first", q, len(got))
			}
		}
		// Sở Nội vụ finds nothing of Sở TT&TT's.
		if got, _, err := w.svc.Search(ctx, w.actors["chuyenvien.snv"], docs.SearchQuery{Text: "ky so"}); err != nil || len(got) != 0 {
			t.Fatalf("another agency: %d %v", len(got), err)
		}
	})
}

// TestListPagesHideConfidentialInSQL: a page of the list is full even when
// newer confidential documents the reader may not see come first.
func TestListPagesHideConfidentialInSQL(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := w.actors
	draft := func(subject, conf string) {
		t.Helper()
		if _, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], docs.DraftInput{TypeCode: "cong_van", Subject: subject, Confidentiality: conf,
			SignerID: a["giamdoc.stttt"].UserID, FileName: "x.pdf", File: w.pdf}); err != nil {
			t.Fatal(err)
		}
	}
	draft("Công văn thường 1", "normal")
	draft("Công văn thường 2", "normal")
	for i := range 3 {
		draft(fmt.Sprintf("Báo cáo mật %d", i+1), "confidential")
	}
	list, err := w.svc.List(ctx, a["chungthu.stttt"], docs.Filter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || strings.Contains(list[0].Subject+list[1].Subject, "mật") {
		t.Fatalf("a colleague's page: %d documents %v", len(list), list)
	}
	if list, _ := w.svc.List(ctx, a["chuyenvien.stttt"], docs.Filter{Limit: 10}); len(list) != 5 {
		t.Fatalf("the drafter sees %d of 5", len(list))
	}
	if list, _ := w.svc.List(ctx, a["giamdoc.stttt"], docs.Filter{Limit: 10}); len(list) != 5 {
		t.Fatalf("the leader sees %d of 5", len(list))
	}
}
