package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
)

// chromiumPath is Debian's Chromium (apt-get install chromium).
const chromiumPath = "/usr/bin/chromium"

// browser drives one headless Chromium tab against the fixture's server.
type browser struct {
	t   *testing.T
	ctx context.Context
	f   *fixture
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.f.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("footer")))
}

// login logs username in through the login form, as a person would, after
// dropping the previous user's session.
func (b *browser) login(username string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("clear cookies: %v", err)
	}
	// Headless Chromium asks for English; the users here read Vietnamese.
	b.open("/lang/vi?next=/login")
	b.do("log in as "+username,
		chromedp.SetValue(chromedp.CSS(`input[name=username]`), username),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), b.f.password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.bell`)),
	)
}

// click presses a button that posts a step and waits for the page after
// the redirect, which says what was done.
func (b *browser) click(sel, flash string) {
	b.t.Helper()
	want, _ := json.Marshal(flash)
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	// The page changes under the check while the form posts and redirects:
	// errors of a page that is going away are retried.
	check := fmt.Sprintf(`(document.querySelector(".flash") || {}).textContent === %s`, want)
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](check))
		if err == nil && ok {
			return
		}
		if time.Now().After(end) || b.ctx.Err() != nil {
			b.t.Fatalf("after %s: no %q on the page (%v); the page says: %s", sel, flash, err, b.text("main"))
		}
	}
}

// shot saves a screenshot of the whole page into dir.
func (b *browser) shot(dir, name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return file
}

func (b *browser) status() string { return b.text(".badges .badge") }

// overflows reports whether the page is wider than the window: on a phone,
// nothing but tables may scroll sideways.
func (b *browser) overflows() bool {
	b.t.Helper()
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil {
		b.t.Fatal(err)
	}
	return wide
}

// TestBrowserDocumentFlow walks the documents flows with the demo users in
// headless Chromium: at Sở TT&TT a specialist drafts a decision for Sở Nội
// vụ and sends it for signature, the director signs it and the clerk
// issues it as 01/QĐ-STTTT; at Sở Nội vụ (on a phone-sized window) the
// clerk registers it, the director assigns it with a deadline and the
// specialist completes it; the sender then sees Sở Nội vụ's completion,
// and the final PDF, fetched through the page's download link, validates
// with two signatures, the director's and the agency's.
func TestBrowserDocumentFlow(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("the browser test needs Debian's Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	started := time.Now()
	f := newFixture(t, storetest.Open(t, store.SQLite))
	f.manyLogins()
	f.signingCertificates(t)
	pdf := testpdf.Ghostscript(t, t.TempDir(), "QUYET DINH ve viec ban hanh quy che su dung chu ky so", "Trang 2")
	snv := f.users["vanthu.snv"].AgencyID
	const subject = "Quyết định ban hành quy chế sử dụng chữ ký số"

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "vi-VN"))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil { // starts the browser, for as long as bctx lives
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	b := &browser{t: t, ctx: ctx, f: f}
	shots := t.TempDir()
	if dir := os.Getenv("KYSO_SCREENSHOTS"); dir != "" {
		shots = dir // kept, to look at
	}

	// Sở TT&TT, on a desktop window: draft, send for signature.
	b.login("chuyenvien.stttt")
	b.open("/documents/new")
	b.do("fill in the draft",
		chromedp.SetValue(chromedp.CSS(`select[name=type_code]`), "quyet_dinh"),
		chromedp.SetValue(chromedp.CSS(`textarea[name=subject]`), subject),
		chromedp.SetValue(chromedp.CSS(`select[name=signer_id]`), f.users["giamdoc.stttt"].ID),
		chromedp.Click(chromedp.CSS(`input[name=recipient_ids][value="`+snv+`"]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{pdf}),
	)
	b.click("#do-create", "Đã tạo dự thảo.")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	docPath := u.Path
	if !strings.HasPrefix(docPath, "/documents/") || b.status() != "Dự thảo" {
		t.Fatalf("after the draft: %s, %q", loc, b.status())
	}
	b.click("#do-submit", "Đã trình.")
	if st := b.status(); st != "Chờ ký" {
		t.Fatalf("after submitting: %q", st)
	}

	// The director finds it in the inbox, with the header's count, and signs.
	b.login("giamdoc.stttt")
	b.open("/documents")
	if inbox := b.text(".inbox"); !strings.Contains(inbox, "Chờ tôi ký") || !strings.Contains(inbox, subject) {
		t.Fatalf("the director's inbox: %s", inbox)
	}
	if n := b.text("a.bell .count"); n != "1" {
		t.Fatalf("unread count %q, want 1", n)
	}
	b.open(docPath)
	// docs.js (the CSP lets only /static scripts run) says that the
	// signature is under way and keeps a second click from posting again.
	held, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const form = document.querySelector("form[data-busy]");
		let posts = 0;
		form.addEventListener("submit", e => { if (!e.defaultPrevented) posts++; e.preventDefault(); });
		form.requestSubmit();
		form.requestSubmit();
		return !form.querySelector(".busy").hidden && form.getAttribute("aria-busy") === "true" && posts === 1;
	})()`))
	if err != nil || !held {
		t.Fatalf("the signing form's progress indicator: %v %v", held, err)
	}
	b.open(docPath)
	b.click("#do-sign", "Đã ký số văn bản.")
	if st := b.status(); st != "Đã ký, chờ phát hành" {
		t.Fatalf("after signing: %q", st)
	}

	// The clerk numbers and issues it.
	b.login("vanthu.stttt")
	b.open(docPath)
	b.click("#do-issue", "Đã cấp số và phát hành.")
	if n, st := b.text(".doc-number"), b.status(); n != "Số: 01/QĐ-STTTT" || st != "Đã phát hành" {
		t.Fatalf("after issue: %q, %q", n, st)
	}
	b.shot(shots, "issued-desktop.png")

	// Sở Nội vụ, on a phone: register, assign with a deadline, complete.
	b.do("phone window", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	b.login("vanthu.snv")
	b.open("/documents")
	if inbox := b.text(".inbox"); !strings.Contains(inbox, "Văn bản đến chờ vào sổ") || !strings.Contains(inbox, "01/QĐ-STTTT") {
		t.Fatalf("the clerk's inbox at Sở Nội vụ: %s", inbox)
	}
	b.do("open the arrival", chromedp.Click(chromedp.CSS(`.inbox .doclist a.subject`)), chromedp.WaitVisible(chromedp.CSS(`#do-register`)))
	if rep := b.text(".kyso-report"); !strings.Contains(rep, "Nguyễn Văn Đức") || !strings.Contains(rep, "Sở Thông tin và Truyền thông") {
		t.Fatalf("the report kept on arrival: %s", rep)
	}
	b.click("#do-register", "Đã vào sổ văn bản đến.")
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	u, _ = url.Parse(loc)
	inPath := u.Path
	if st := b.status(); st != "Đã vào sổ" || b.overflows() {
		t.Fatalf("after registering: %q (page wider than the phone: %v)", st, b.overflows())
	}

	b.login("giamdoc.snv")
	b.open(inPath)
	deadline := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 3)
	b.do("fill in the assignment",
		chromedp.SetValue(chromedp.CSS(`select[name=assignee_id]`), f.users["chuyenvien.snv"].ID),
		chromedp.SetValue(chromedp.CSS(`input[name=deadline]`), deadline.Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS(`textarea[name=instructions]`), "Đề nghị nghiên cứu, tham mưu triển khai"),
	)
	b.shot(shots, "assign-phone.png")
	b.click("#do-assign", "Đã giao xử lý.")
	if st := b.status(); st != "Đang xử lý" {
		t.Fatalf("after assigning: %q", st)
	}

	b.login("chuyenvien.snv")
	b.open("/documents")
	if inbox := b.text(".inbox"); !strings.Contains(inbox, "Được giao xử lý") || !strings.Contains(inbox, "Hạn "+deadline.Format("02/01/2006")) {
		t.Fatalf("the specialist's inbox: %s", inbox)
	}
	if b.overflows() {
		t.Error("the documents page is wider than the phone")
	}
	b.shot(shots, "inbox-phone.png")
	b.do("open the task", chromedp.Click(chromedp.CSS(`.inbox .doclist a.subject`)), chromedp.WaitVisible(chromedp.CSS(`#do-complete`)))
	b.click("#do-complete", "Đã hoàn thành xử lý.")
	if st := b.status(); st != "Hoàn thành" {
		t.Fatalf("after completing: %q", st)
	}

	// The sender sees Sở Nội vụ's completion; the final PDF validates.
	b.login("chuyenvien.stttt")
	b.open(docPath)
	if r := b.text("ul.recipients li"); !strings.Contains(r, "Sở Nội vụ") || !strings.Contains(r, "Hoàn thành") || !strings.Contains(r, "Nơi nhận đã xử lý xong") {
		t.Fatalf("the sender's view of the recipient: %s", r)
	}
	if b.overflows() {
		t.Error("the document page is wider than the phone")
	}
	// The newest version's download link, fetched with the page's session,
	// then sent to the validation API with the page's CSRF token.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Disposition string `json:"disposition"`
		Report      string `json:"report"`
	}](`(async () => {
		const link = document.querySelector("ul.versions a[download]");
		const res = await fetch(link.href);
		const form = new FormData();
		form.append("file", await res.blob(), "01-QD-STTTT.pdf");
		const csrf = document.querySelector("input[name=csrf_token]").value;
		const rep = await fetch("/api/v1/validate?lang=en", {method: "POST", body: form, headers: {"X-CSRF-Token": csrf}});
		return {disposition: res.headers.get("Content-Disposition"), report: await rep.text()};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download and validate: %v", err)
	}
	var rep struct {
		Indication string
		Signatures []struct {
			Indication string
			Signer     struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(got.Report), &rep); err != nil || rep.Indication != "TOTAL-PASSED" || len(rep.Signatures) != 2 ||
		rep.Signatures[0].Signer.Name != "Nguyễn Văn Đức" || rep.Signatures[1].Signer.Name != "Sở Thông tin và Truyền thông" {
		t.Fatalf("validation of the downloaded PDF: %v\n%s", err, got.Report)
	}
	if !strings.HasPrefix(got.Disposition, "attachment;") || !strings.Contains(got.Disposition, "01-Q%C4%90-STTTT.pdf") {
		t.Errorf("download header: %q", got.Disposition)
	}

	name := b.shot(shots, "document-phone.png")
	t.Logf("screenshot %s; the flow took %s", name, time.Since(started).Round(100*time.Millisecond))
}
