package inbox_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

const (
	codeA = "000.00.00.H56"
	codeB = "000.00.31.H56"
	codeC = "000.00.00.G22"
)

var (
	agOnce  sync.Once
	pki     *axistest.PKI
	a, b, c *axistest.Agency
)

func agencies(t *testing.T) {
	agOnce.Do(func() {
		pki = axistest.NewPKI(t)
		a = pki.Agency(t, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
		b = pki.Agency(t, codeB, "Sở Khoa học và Công nghệ")
		c = pki.Agency(t, codeC, "Văn phòng Chính phủ")
	})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is a Handler that writes a row per package in the handler's
// transaction (kyso_meta "doc:<message id>"), counts calls, and fails or
// rejects when told to.
type recorder struct {
	mu        sync.Mutex
	calls     map[string]int
	statuses  []*edxml.Status
	rejected  []*inbox.Rejection
	fail      func(msgID string, call int) error
	panicOnce bool
}

func newRecorder() *recorder { return &recorder{calls: map[string]int{}} }

func (r *recorder) HandleDocument(ctx context.Context, tx *store.Tx, receiver string, env *edxml.Envelope, chain []*x509.Certificate, raw []byte) error {
	r.mu.Lock()
	r.calls[env.MessageID]++
	n := r.calls[env.MessageID]
	fail, p := r.fail, r.panicOnce
	r.panicOnce = false
	r.mu.Unlock()
	if len(chain) == 0 || len(raw) == 0 {
		return errors.New("no chain or raw package")
	}
	if err := store.SetMeta(ctx, tx, "doc:"+env.MessageID, receiver); err != nil {
		return err
	}
	if p {
		panic("handler bug")
	}
	if fail != nil {
		return fail(env.MessageID, n)
	}
	return nil
}

func (r *recorder) HandleStatus(ctx context.Context, tx *store.Tx, receiver string, st *edxml.Status, chain []*x509.Certificate) error {
	r.mu.Lock()
	r.calls[st.MessageID()]++
	r.statuses = append(r.statuses, st)
	r.mu.Unlock()
	return store.SetMeta(ctx, tx, "status:"+st.MessageID(), receiver)
}

func (r *recorder) HandleRejection(ctx context.Context, tx *store.Tx, rej *inbox.Rejection) error {
	r.mu.Lock()
	r.rejected = append(r.rejected, rej)
	r.mu.Unlock()
	return store.SetMeta(ctx, tx, "rejected:"+rej.MessageID, rej.Reason)
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

func newProcessor(t *testing.T, db *store.DB, h inbox.Handler, clk *clock) *inbox.Processor {
	t.Helper()
	cfg := inbox.Config{DB: db, Handler: h, Log: quiet, RetryBase: time.Second, RetryMax: 10 * time.Second}
	if clk != nil {
		cfg.Now = clk.Now
	}
	p, err := inbox.NewProcessor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func docMessage(t *testing.T, from *axistest.Agency, to string) (*edxml.Envelope, inbox.Message) {
	env, body := from.Document(t, to)
	return env, inbox.Message{ID: env.MessageID, Kind: inbox.KindDocument, From: from.Code, To: to, Body: body}
}

func TestAcceptDeduplicates(t *testing.T) {
	agencies(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec := newRecorder()
		p := newProcessor(t, db, rec, nil)
		env, m := docMessage(t, a, codeB)

		for i, want := range []bool{false, true} {
			dup, err := inbox.Accept(ctx, db, m)
			if err != nil || dup != want {
				t.Fatalf("Accept #%d = %v, %v; want duplicate %v", i+1, dup, err, want)
			}
		}
		if n, err := p.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("RunOnce = %d, %v; want 1", n, err)
		}
		// A third delivery after processing: still a duplicate, nothing to do.
		if dup, err := inbox.Accept(ctx, db, m); err != nil || !dup {
			t.Fatalf("Accept after processing = %v, %v", dup, err)
		}
		if n, err := p.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("second RunOnce = %d, %v; want 0", n, err)
		}
		if got := rec.count(env.MessageID); got != 1 {
			t.Fatalf("handler called %d times, want once", got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox`); n != 1 {
			t.Fatalf("%d inbox rows, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox WHERE status = 'processed' AND processed_at > 0`); n != 1 {
			t.Fatal("row not marked processed")
		}
		// The same package for a second receiver is a second row.
		m2 := m
		m2.To = codeC
		if dup, err := inbox.Accept(ctx, db, m2); err != nil || dup {
			t.Fatalf("Accept for another receiver = %v, %v", dup, err)
		}
	})
}

func TestAcceptRefuses(t *testing.T) {
	agencies(t)
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	_, good := docMessage(t, a, codeB)
	tests := []struct {
		name string
		edit func(*inbox.Message)
		want error
	}{
		{"no id", func(m *inbox.Message) { m.ID = "" }, inbox.ErrInvalid},
		{"id too long", func(m *inbox.Message) { m.ID = strings.Repeat("x", 201) }, inbox.ErrInvalid},
		{"unknown kind", func(m *inbox.Message) { m.Kind = "memo" }, inbox.ErrInvalid},
		{"bad receiver", func(m *inbox.Message) { m.To = "H56" }, inbox.ErrInvalid},
		{"bad sender", func(m *inbox.Message) { m.From = "000.00.31.h56" }, inbox.ErrInvalid},
		{"empty body", func(m *inbox.Message) { m.Body = nil }, inbox.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			tt.edit(&m)
			if _, err := inbox.Accept(ctx, db, m); !errors.Is(err, tt.want) {
				t.Fatalf("Accept: %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := inbox.Accept(ctx, db, good); err != nil {
		t.Fatal(err)
	}
	other := good
	other.From = codeC
	if _, err := inbox.Accept(ctx, db, other); !errors.Is(err, inbox.ErrConflict) {
		t.Fatalf("same id from another sender: %v, want ErrConflict", err)
	}
}

// TestHandlerErrorRollsBack: a failing handler leaves no trace of its
// work, the row stays pending with the error, and the package is handled
// once it succeeds, after the backoff.
func TestHandlerErrorRollsBack(t *testing.T) {
	agencies(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		rec := newRecorder()
		rec.fail = func(_ string, call int) error {
			if call <= 2 {
				return fmt.Errorf("blob store unavailable (call %d)", call)
			}
			return nil
		}
		p := newProcessor(t, db, rec, clk)
		env, m := docMessage(t, a, codeB)
		if _, err := inbox.Accept(ctx, db, m); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 2; attempt++ {
			if _, err := p.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			var status, errText string
			var attempts int
			var processed, next int64
			if err := db.QueryRowContext(ctx, `SELECT status, attempts, error, processed_at, next_attempt_at FROM exchange_inbox`).Scan(&status, &attempts, &errText, &processed, &next); err != nil {
				t.Fatal(err)
			}
			if status != "pending" || processed != 0 || attempts != attempt || !strings.Contains(errText, "blob store unavailable") {
				t.Fatalf("after failure %d: status %s, processed_at %d, attempts %d, error %q", attempt, status, processed, attempts, errText)
			}
			if _, err := store.Meta(ctx, db, "doc:"+env.MessageID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the failed handler's write was committed: %v", err)
			}
			// Not due again before the backoff.
			if n, _ := p.RunOnce(ctx); n != 0 {
				t.Fatalf("retried before its backoff")
			}
			if wait := store.FromMicros(next).Sub(clk.Now()); wait < time.Second/2<<(attempt-1) {
				t.Fatalf("retry %d scheduled in %v, want at least %v", attempt, wait, time.Second/2<<(attempt-1))
			}
			clk.Add(time.Minute)
		}
		if n, err := p.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("third round = %d, %v", n, err)
		}
		if v, err := store.Meta(ctx, db, "doc:"+env.MessageID); err != nil || v != codeB {
			t.Fatalf("handler's write = %q, %v", v, err)
		}
		if got := rec.count(env.MessageID); got != 3 {
			t.Fatalf("handler called %d times, want 3", got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox WHERE status = 'processed' AND error = ''`); n != 1 {
			t.Fatal("not processed after the successful attempt")
		}
	})
}

func TestHandlerPanicIsRetried(t *testing.T) {
	agencies(t)
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	clk := newClock()
	rec := newRecorder()
	rec.panicOnce = true
	p := newProcessor(t, db, rec, clk)
	env, m := docMessage(t, a, codeB)
	if _, err := inbox.Accept(ctx, db, m); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox WHERE status = 'pending' AND error LIKE '%panic%'`); n != 1 {
		t.Fatal("a panicking handler's package is not pending with the panic recorded")
	}
	clk.Add(time.Minute)
	if n, _ := p.RunOnce(ctx); n != 1 || rec.count(env.MessageID) != 2 {
		t.Fatalf("not retried after the panic")
	}
}

// TestRejections: packages that fail to parse or to match their delivery
// are rejected, reach no handler, and the rejection hook hears of them.
func TestRejections(t *testing.T) {
	agencies(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rec := newRecorder()
		rec.fail = func(id string, _ int) error {
			if strings.HasPrefix(id, "00000000-0000-4000-8000-") {
				return inbox.Reject(errors.New("người ký không thuộc cơ quan gửi"))
			}
			return nil
		}
		p := newProcessor(t, db, rec, nil)

		env, good := docMessage(t, a, codeB)
		tamper := bytes.Replace(good.Body, []byte("Về việc thử"), []byte("Về việc sửa"), 1)
		xxe := []byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>`)
		toC, bodyToC := a.Document(t, codeC)
		rejEnv := a.Envelope(600, codeB)
		rejEnv.MessageID = "00000000-0000-4000-8000-000000000001"
		rejBody, err := edxml.Build(rejEnv, a.Seal.Signer, a.Chain())
		if err != nil {
			t.Fatal(err)
		}
		// A status about a document of A, delivered to B.
		_, stBody := c.Status(t, env, edxml.StatusReceived)
		st, _, err := edxml.ParseStatus(stBody)
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name      string
			m         inbox.Message
			reason    string
			parsed    bool // the Rejection carries the parsed package
			handlerOK bool // the handler was called (and refused)
		}{
			{"not XML", inbox.Message{ID: "m-garbage", Kind: inbox.KindDocument, From: codeA, To: codeB, Body: []byte("garbage")}, "malformed", false, false},
			{"unsigned", inbox.Message{ID: "m-unsigned", Kind: inbox.KindDocument, From: codeA, To: codeB, Body: stripSignature(t, good.Body)}, "not signed", false, false},
			{"changed after signing", inbox.Message{ID: "m-tamper", Kind: inbox.KindDocument, From: codeA, To: codeB, Body: tamper}, "signature", false, false},
			{"XXE", inbox.Message{ID: "m-xxe", Kind: inbox.KindDocument, From: codeA, To: codeB, Body: xxe}, "DTD", false, false},
			{"status announced as document", inbox.Message{ID: st.MessageID(), Kind: inbox.KindDocument, From: codeC, To: codeA, Body: stBody}, "ParseStatus", false, false},
			{"not addressed to the receiver", inbox.Message{ID: toC.MessageID, Kind: inbox.KindDocument, From: codeA, To: codeB, Body: bodyToC}, "not addressed to " + codeB, true, false},
			{"delivered under another id", inbox.Message{ID: "another-id", Kind: inbox.KindDocument, From: codeA, To: codeB, Body: good.Body}, "message id", true, false},
			{"delivered as from another sender", inbox.Message{ID: env.MessageID, Kind: inbox.KindDocument, From: codeC, To: codeB, Body: good.Body}, "delivered as from", true, false},
			{"status about another agency's document", inbox.Message{ID: st.MessageID(), Kind: inbox.KindStatus, From: codeC, To: codeB, Body: stBody}, "about a document of " + codeA, true, false},
			{"refused by the handler", inbox.Message{ID: rejEnv.MessageID, Kind: inbox.KindDocument, From: codeA, To: codeB, Body: rejBody}, "người ký không thuộc", true, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := inbox.Accept(ctx, db, tt.m); err != nil {
					t.Fatalf("Accept: %v", err)
				}
				if n, err := p.RunOnce(ctx); err != nil || n != 1 {
					t.Fatalf("RunOnce = %d, %v", n, err)
				}
				var status, errText string
				var processed int64
				if err := db.QueryRowContext(ctx, `SELECT status, error, processed_at FROM exchange_inbox WHERE message_id = ? AND receiver_code = ?`, tt.m.ID, tt.m.To).
					Scan(&status, &errText, &processed); err != nil {
					t.Fatal(err)
				}
				if status != "rejected" || processed == 0 || !strings.Contains(errText, tt.reason) {
					t.Fatalf("status %s, processed_at %d, error %q; want rejected with %q", status, processed, errText, tt.reason)
				}
				rec.mu.Lock()
				last := rec.rejected[len(rec.rejected)-1]
				rec.mu.Unlock()
				if last.MessageID != tt.m.ID || last.FromCode != tt.m.From || last.ReceiverCode != tt.m.To || last.Err == nil || !bytes.Equal(last.Raw, tt.m.Body) {
					t.Fatalf("rejection hook got %+v", last)
				}
				if (last.Envelope != nil || last.Status != nil) != tt.parsed {
					t.Fatalf("rejection carries the parsed package: %v, want %v", last.Envelope != nil || last.Status != nil, tt.parsed)
				}
				if got := rec.count(tt.m.ID); (got > 0) != tt.handlerOK {
					t.Fatalf("handler called %d times", got)
				}
				if _, err := store.Meta(ctx, db, "doc:"+tt.m.ID); err == nil {
					t.Fatal("the rejected package's handler write was committed")
				}
				if _, err := store.Meta(ctx, db, "rejected:"+tt.m.ID); err != nil {
					t.Fatalf("the rejection hook's write was not committed: %v", err)
				}
			})
		}
		rejected, err := inbox.List(ctx, db, inbox.StatusRejected, 100)
		if err != nil || len(rejected) != len(tests) {
			t.Fatalf("List rejected = %d, %v", len(rejected), err)
		}
		if errors.Is(rec.rejected[1].Err, edxml.ErrUnsigned) == false {
			t.Fatalf("the unsigned package's rejection does not wrap edxml.ErrUnsigned: %v", rec.rejected[1].Err)
		}
	})
}

func TestStatusReachesHandleStatus(t *testing.T) {
	agencies(t)
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	rec := newRecorder()
	p := newProcessor(t, db, rec, nil)
	env, _ := a.Document(t, codeB)
	st, body := b.Status(t, env, edxml.StatusAccepted)
	if _, err := inbox.Accept(ctx, db, inbox.Message{ID: st.MessageID(), Kind: inbox.KindStatus, From: codeB, To: codeA, Body: body}); err != nil {
		t.Fatal(err)
	}
	if n, err := p.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if len(rec.statuses) != 1 || rec.statuses[0].Code != edxml.StatusAccepted || rec.statuses[0].ResponseFor.DocumentID != env.Header.DocumentID {
		t.Fatalf("statuses %+v", rec.statuses)
	}
}

func TestRunProcessesOnNotify(t *testing.T) {
	agencies(t)
	db := storetest.Open(t, store.SQLite)
	rec := newRecorder()
	p, err := inbox.NewProcessor(inbox.Config{DB: db, Handler: rec, Log: quiet, PollInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	env, m := docMessage(t, a, codeB)
	time.Sleep(50 * time.Millisecond)
	if _, err := inbox.Accept(ctx, db, m); err != nil {
		t.Fatal(err)
	}
	p.Notify()
	deadline := time.Now().Add(5 * time.Second)
	for rec.count(env.MessageID) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rec.count(env.MessageID) != 1 {
		t.Fatal("not processed after Notify")
	}
}

// stripSignature removes the XML-DSig Signature from a signed package.
func stripSignature(t *testing.T, signed []byte) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	sig := doc.FindElement("//Signature")
	if sig == nil {
		t.Fatal("no Signature in the package")
	}
	sig.Parent().RemoveChild(sig)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBatchIsolatesFailures: packages settled in one transaction do not
// share fates: one handler's failure rolls back its own work only, and a
// handler that breaks the whole transaction (PostgreSQL aborts it after a
// failed statement the handler ignored) holds back no other package.
func TestBatchIsolatesFailures(t *testing.T) {
	agencies(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var ids []string
		for range 5 {
			env, m := docMessage(t, a, codeB)
			if _, err := inbox.Accept(ctx, db, m); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, env.MessageID)
		}
		failing, breaking := ids[1], ids[3]
		rec := newRecorder()
		rec.fail = func(id string, _ int) error {
			if id == failing {
				return errors.New("temporary failure")
			}
			return nil
		}
		h := &breaker{recorder: rec, breaking: breaking, db: db}
		p := newProcessor(t, db, h, nil)
		if n, err := p.RunOnce(ctx); err != nil || n != 5 {
			t.Fatalf("RunOnce = %d, %v; want 5 settled", n, err)
		}
		for _, id := range ids {
			var status string
			if err := db.QueryRowContext(ctx, `SELECT status FROM exchange_inbox WHERE message_id = ?`, id).Scan(&status); err != nil {
				t.Fatal(err)
			}
			_, metaErr := store.Meta(ctx, db, "doc:"+id)
			want := "processed"
			switch {
			case id == failing:
				want = "pending"
			case id == breaking && db.Dialect() == store.Postgres:
				want = "pending"
			}
			if status != want {
				t.Errorf("%s: status %s, want %s", id, status, want)
			}
			if (metaErr == nil) != (want == "processed") {
				t.Errorf("%s: handler's write committed %v, status %s", id, metaErr == nil, status)
			}
		}
	})
}

// breaker is a recorder whose handler, for one package, runs a statement
// that fails and ignores the error.
type breaker struct {
	*recorder
	breaking string
	db       *store.DB
}

func (b *breaker) HandleDocument(ctx context.Context, tx *store.Tx, receiver string, env *edxml.Envelope, chain []*x509.Certificate, raw []byte) error {
	if env.MessageID == b.breaking {
		_, _ = tx.ExecContext(ctx, `INSERT INTO no_such_table VALUES (1)`)
	}
	return b.recorder.HandleDocument(ctx, tx, receiver, env, chain, raw)
}
