package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/notify"
	"github.com/kyso-vn/kyso/internal/notify/mail"
	"github.com/kyso-vn/kyso/internal/notify/mail/smtptest"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
	"golang.org/x/text/unicode/norm"
)

const publicURL = "https://kyso.example.gov.vn"

// world is the demo province with a documents service (no CA: drafting
// and review need none) and e-mail addresses for some of its people.
type world struct {
	db     *store.DB
	svc    *docs.Service
	actors map[string]*org.Actor
	pdf    []byte
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	orgs := org.New(db, org.WithPasswordParams(password.Fast))
	if _, err := demo.Populate(ctx, orgs, org.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, svc: docs.New(docs.Options{DB: db, Blobs: blobs, Org: orgs}), actors: map[string]*org.Actor{}}
	for _, name := range []string{"giamdoc.stttt", "vanthu.stttt", "chuyenvien.stttt", "chungthu.stttt"} {
		u, _, err := orgs.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		w.actors[name] = u.Actor("127.0.0.1")
	}
	// The reviewer has an address; the clerk has none.
	if _, err := db.ExecContext(ctx, `UPDATE users SET email = ? WHERE id = ?`, "chungthu@stttt.example.gov.vn", w.actors["chungthu.stttt"].UserID); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(testpdf.Ghostscript(t, t.TempDir(), "TO TRINH"))
	if err != nil {
		t.Fatal(err)
	}
	w.pdf = pdf
	return w
}

// submit drafts a document and sends it for review to the people named,
// which notifies each of them: the real step, in its own transaction.
func (w *world) submit(t *testing.T, subject string, reviewers ...string) *docs.Document {
	t.Helper()
	ctx := context.Background()
	a := w.actors
	d, err := w.svc.CreateDraft(ctx, a["chuyenvien.stttt"], docs.DraftInput{
		TypeCode: "quyet_dinh", Subject: subject, SignerID: a["giamdoc.stttt"].UserID, FileName: "du-thao.pdf", File: w.pdf,
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range reviewers {
		ids = append(ids, a[r].UserID)
	}
	if err := w.svc.Submit(ctx, a["chuyenvien.stttt"], d.ID, ids); err != nil {
		t.Fatal(err)
	}
	return d
}

// mailState is a notification's e-mail columns.
type mailState struct {
	mailedAt, nextAt int64
	attempts         int
	err              string
}

func (w *world) state(t *testing.T, docID, username string) mailState {
	t.Helper()
	var s mailState
	if err := w.db.QueryRowContext(context.Background(), `SELECT mailed_at, mail_next_at, mail_attempts, mail_error FROM notifications WHERE document_id = ? AND user_id = ?`,
		docID, w.actors[username].UserID).Scan(&s.mailedAt, &s.nextAt, &s.attempts, &s.err); err != nil {
		t.Fatal(err)
	}
	return s
}

// clock is time.Now moved by a test.
type clock struct{ shift atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.shift.Load())) }
func (c *clock) advance(d time.Duration) { c.shift.Add(int64(d)) }

// logBuffer collects a mailer's logs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func sender(t *testing.T, url string) *mail.Client {
	t.Helper()
	cfg, err := mail.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	return mail.New(cfg)
}

func newMailer(t *testing.T, cfg notify.Config) *notify.Mailer {
	t.Helper()
	cfg.PublicURL = publicURL + "/"
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(&logBuffer{}, nil))
	}
	m, err := notify.NewMailer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSubmittedDraftMailsTheReviewer: a draft sent for review notifies
// its reviewers; the one with an address gets an e-mail with the in-app
// text in Vietnamese and English and a link to the document, at once (the
// documents service nudges the mailer); the one without is marked and not
// looked at again; a notification from before e-mail was configured is
// never mailed.
func TestSubmittedDraftMailsTheReviewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{})
		w := newWorld(t, db)
		before := w.submit(t, "Tờ trình trước khi có thư điện tử", "chungthu.stttt")

		m := newMailer(t, notify.Config{DB: db, Sender: sender(t, "smtp://"+srv.Addr+"?from=kyso@stttt.example.gov.vn"), PollInterval: time.Hour})
		if _, err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		w.svc.OnNotify(m.Nudge)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { m.Run(runCtx); close(done) }()
		defer func() { stop(); <-done }()

		subject := "Quyết định ban hành quy chế sử dụng chữ ký số chuyên dùng Chính phủ"
		d := w.submit(t, subject, "chungthu.stttt", "vanthu.stttt")
		got := srv.WaitMessages(t, 1, 10*time.Second) // the poll is an hour away: only the nudge sends it

		msg := got[0]
		subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		want := i18n.T(i18n.VI, "notify.to_review", subject)
		if subj != want || !norm.NFC.IsNormalString(subj) || !strings.Contains(subj, "Quyết định ban hành") {
			t.Fatalf("subject %q, want %q", subj, want)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "chungthu@stttt.example.gov.vn" || to[0].Name != w.actors["chungthu.stttt"].FullName {
			t.Fatalf("To %v %v", to, err)
		}
		body := msg.Body(t)
		for _, part := range []string{want, i18n.T(i18n.EN, "notify.to_review", subject), publicURL + "/documents/" + d.ID, "Mở văn bản / Open the document"} {
			if !strings.Contains(body, part) {
				t.Errorf("the body lacks %q:\n%s", part, body)
			}
		}
		if !norm.NFC.IsNormalString(body) {
			t.Error("the body is not NFC")
		}

		// Both rows are finished, each in its way; nothing is due.
		waitFor(t, func() bool { return w.state(t, d.ID, "chungthu.stttt").mailedAt != 0 })
		if s := w.state(t, d.ID, "chungthu.stttt"); s.err != "" || s.attempts != 1 {
			t.Errorf("reviewer: %+v", s)
		}
		if s := w.state(t, d.ID, "vanthu.stttt"); s.mailedAt == 0 || !strings.Contains(s.err, "no e-mail address") || s.attempts != 0 {
			t.Errorf("reviewer without an address: %+v", s)
		}
		if s := w.state(t, before.ID, "chungthu.stttt"); s.mailedAt != 0 || s.attempts != 0 {
			t.Errorf("a notification from before the cutoff was touched: %+v", s)
		}
		stop()
		<-done
		if n, err := m.RunOnce(ctx); err != nil || n != 0 {
			t.Errorf("a second pass claimed %d (%v)", n, err)
		}
		time.Sleep(100 * time.Millisecond)
		if got := srv.Messages(t); len(got) != 1 {
			t.Errorf("%d messages, want 1", len(got))
		}
	})
}

// TestMailRetriedUntilTheServerIsUp: with the SMTP server down, a send
// fails, is retried after the backoff (not before), and goes out once the
// server is back.
func TestMailRetriedUntilTheServerIsUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtptest.Require(t)
		w := newWorld(t, db)
		port := smtptest.FreePort(t)
		clk := &clock{}
		m := newMailer(t, notify.Config{DB: db, Sender: sender(t, "smtp://127.0.0.1:"+strconv.Itoa(port)+"?from=kyso@stttt.example.gov.vn"),
			RetryBase: time.Minute, Now: clk.now})
		if _, err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		d := w.submit(t, "Công văn về việc rà soát chứng thư số", "chungthu.stttt")

		if n, err := m.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("first pass: %d %v", n, err)
		}
		s := w.state(t, d.ID, "chungthu.stttt")
		if s.mailedAt != 0 || s.attempts != 1 || !strings.Contains(s.err, "connect to 127.0.0.1:"+strconv.Itoa(port)) ||
			s.nextAt < store.Micros(clk.now().Add(50*time.Second)) {
			t.Fatalf("after a failure: %+v", s)
		}
		if n, err := m.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("retried before the backoff: %d %v", n, err)
		}

		srv := smtptest.Start(t, smtptest.Options{Port: port})
		clk.advance(61 * time.Second)
		if n, err := m.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("retry: %d %v", n, err)
		}
		got := srv.WaitMessages(t, 1, 5*time.Second)
		if subj, _ := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject")); subj != i18n.T(i18n.VI, "notify.to_review", "Công văn về việc rà soát chứng thư số") {
			t.Fatalf("subject %q", subj)
		}
		if s := w.state(t, d.ID, "chungthu.stttt"); s.mailedAt == 0 || s.err != "" || s.attempts != 2 {
			t.Fatalf("after delivery: %+v", s)
		}
	})
}

// TestMailGivesUpAndKeepsThePasswordOut: a server that cannot take the
// credentials fails every attempt; after MaxAttempts the notification is
// finished with the error recorded, and neither the logs nor the database
// ever hold the password.
func TestMailGivesUpAndKeepsThePasswordOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const pw = "Mật khẩu SMTP bí mật 7"
		srv := smtptest.Start(t, smtptest.Options{}) // no TLS, so no AUTH
		w := newWorld(t, db)
		logs := &logBuffer{}
		clk := &clock{}
		m := newMailer(t, notify.Config{DB: db, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Sender:    sender(t, "smtp://kyso:"+neturl.QueryEscape(pw)+"@"+srv.Addr+"?from=kyso@stttt.example.gov.vn"),
			RetryBase: time.Second, MaxAttempts: 2, Now: clk.now})
		if _, err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		d := w.submit(t, "Báo cáo tình hình sử dụng chữ ký số", "chungthu.stttt")
		for i := range 2 {
			if n, err := m.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: %d %v", i+1, n, err)
			}
			clk.advance(time.Minute)
		}
		s := w.state(t, d.ID, "chungthu.stttt")
		if s.mailedAt == 0 || s.attempts != 2 || !strings.HasPrefix(s.err, "gave up after 2 attempt(s)") || !strings.Contains(s.err, "does not offer AUTH") {
			t.Fatalf("after giving up: %+v", s)
		}
		if n, err := m.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("a finished notification was claimed again: %d %v", n, err)
		}
		for _, where := range []string{logs.String(), s.err} {
			if strings.Contains(where, pw) || strings.Contains(where, neturl.QueryEscape(pw)) {
				t.Fatalf("the password leaked:\n%s", where)
			}
		}
		if !strings.Contains(logs.String(), "gave up") {
			t.Fatalf("the failure was not logged:\n%s", logs.String())
		}
		if len(srv.Messages(t)) != 0 {
			t.Fatal("a message went out")
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
