package axis_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

const codeA2 = "000.00.01.H56" // a second agency hosted with A

// reopenable is a database that can be closed and opened again, as a
// restarted process opens its data directory.
type reopenable struct {
	opts store.Options
}

func newReopenable(t *testing.T, d store.Dialect, name string) *reopenable {
	t.Helper()
	r := &reopenable{}
	switch d {
	case store.SQLite:
		r.opts.SQLitePath = filepath.Join(t.TempDir(), name+".db")
	case store.Postgres:
		r.opts.URL = storetest.NewPostgresDatabase(t)
	}
	return r
}

func (r *reopenable) open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), r.opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// deployment is one kyso installation: its database, the agencies it
// hosts, and its exchange machinery wired as the CLI will wire it.
type deployment struct {
	name     string
	db       *store.DB
	hosted   map[string]*axistest.Agency
	worker   *outbox.Worker
	proc     *inbox.Processor
	puller   *inbox.AxisPuller
	handler  *handler
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	received func(id string) // load test hook
}

// handler stands in for the documents domain: it writes one row per
// package in the processing transaction, and answers every document with
// a "03 accepted" status through the outbox, in that same transaction.
type handler struct {
	d        *deployment
	reply    bool
	mu       sync.Mutex
	calls    map[string]int // message id → handler calls
	statuses map[string]int
}

func (h *handler) HandleDocument(ctx context.Context, tx *store.Tx, receiver string, env *edxml.Envelope, chain []*x509.Certificate, raw []byte) error {
	code, err := axis.AgencyCode(chain[0])
	if err != nil || code != env.Header.From.OrganID {
		return inbox.Reject(fmt.Errorf("the signer is not the sender: %v", err))
	}
	if err := store.SetMeta(ctx, tx, "doc:"+receiver+":"+env.MessageID, env.Header.From.OrganID); err != nil {
		return err
	}
	if h.reply {
		ag := h.d.hosted[receiver]
		st := &edxml.Status{ResponseFor: env.ResponseFor(), From: edxml.Organ{OrganID: ag.Code, OrganName: ag.Name}, Code: edxml.StatusAccepted}
		body, err := edxml.BuildStatus(st, ag.Seal.Signer, ag.Chain())
		if err != nil {
			return err
		}
		m := outbox.Message{ID: st.MessageID(), Kind: outbox.KindStatus, From: ag.Code, To: env.Header.From.OrganID, Body: body}
		if err := outbox.Enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	h.mu.Lock()
	h.calls[receiver+":"+env.MessageID]++
	h.mu.Unlock()
	if h.d.received != nil {
		h.d.received(env.MessageID)
	}
	return nil
}

func (h *handler) HandleStatus(ctx context.Context, tx *store.Tx, receiver string, st *edxml.Status, chain []*x509.Certificate) error {
	if err := store.SetMeta(ctx, tx, "status:"+st.MessageID(), st.From.OrganID); err != nil {
		return err
	}
	h.mu.Lock()
	h.statuses[st.ResponseFor.DocumentID+">"+st.From.OrganID]++
	h.mu.Unlock()
	return nil
}

func (h *handler) snapshot() (map[string]int, map[string]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps(h.calls), maps(h.statuses)
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

type tuning struct {
	workerBatch, workerConcurrency int
	pullBatch                      int
	procBatch, procConcurrency     int
}

var testTuning = tuning{workerBatch: 16, workerConcurrency: 4, pullBatch: 20, procBatch: 16, procConcurrency: 2}

// newDeployment wires a deployment to the axis at ax and starts it.
func newDeployment(t *testing.T, name string, db *store.DB, ax *axistest.Axis, reply bool, tu tuning, hosted ...*axistest.Agency) *deployment {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := &deployment{name: name, db: db, hosted: map[string]*axistest.Agency{}}
	for _, a := range hosted {
		d.hosted[a.Code] = a
	}
	d.handler = &handler{d: d, reply: reply, calls: map[string]int{}, statuses: map[string]int{}}
	clients := map[string]*axis.Client{}
	for _, a := range hosted {
		clients[a.Code] = ax.Client(t, a)
	}
	client := func(code string) (*axis.Client, error) {
		if c := clients[code]; c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("no service certificate for %s", code)
	}
	var err error
	d.proc, err = inbox.NewProcessor(inbox.Config{DB: db, Handler: d.handler, Log: log, PollInterval: 200 * time.Millisecond,
		Batch: tu.procBatch, Concurrency: tu.procConcurrency, RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Committed: func() { d.worker.Notify() }})
	if err != nil {
		t.Fatal(err)
	}
	router := &outbox.Router{
		IsLocal: func(code string) bool { return d.hosted[code] != nil },
		Local:   &outbox.LocalTransport{DB: db, Notify: d.proc.Notify},
		Remote:  &outbox.AxisTransport{Client: client, Log: log},
	}
	d.worker, err = outbox.NewWorker(outbox.Config{DB: db, Transport: router, Log: log, PollInterval: 200 * time.Millisecond,
		Batch: tu.workerBatch, Concurrency: tu.workerConcurrency, RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	codes := slices.Collect(func(yield func(string) bool) {
		for c := range d.hosted {
			if !yield(c) {
				return
			}
		}
	})
	d.puller, err = inbox.NewAxisPuller(inbox.PullerConfig{DB: db, Log: log, Notify: d.proc.Notify, Batch: tu.pullBatch,
		Agencies: func(context.Context) ([]string, error) { return codes, nil },
		Client:   client, Wait: 5 * time.Second, RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	for _, run := range []func(context.Context) error{d.worker.Run, d.proc.Run, d.puller.Run} {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			if err := run(ctx); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}()
	}
	t.Cleanup(d.stop)
	return d
}

func (d *deployment) stop() {
	if d.cancel != nil {
		d.cancel()
		d.wg.Wait()
		d.cancel = nil
	}
}

// send queues a signed package from one of d's agencies for each of its
// addressees, as the documents domain does when the clerk issues.
func (d *deployment) send(t *testing.T, env *edxml.Envelope, body []byte) {
	t.Helper()
	ctx := context.Background()
	err := d.db.InTx(ctx, func(tx *store.Tx) error {
		for _, to := range env.Header.To {
			m := outbox.Message{ID: env.MessageID, Kind: outbox.KindDocument, From: env.Header.From.OrganID, To: to.OrganID, Body: body}
			if err := outbox.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.worker.Notify()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEndToEnd: two deployments and an axis, each on its own database.
// Documents go from A to B through the axis and to a second agency of A
// directly, statuses come back, and the axis restarts in the middle;
// every package arrives exactly once.
func TestEndToEnd(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(d.String(), func(t *testing.T) {
			p := axistest.NewPKI(t)
			agA := p.Agency(t, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
			agA2 := p.Agency(t, codeA2, "Sở Nội vụ tỉnh Quảng Ngãi")
			agB := p.Agency(t, codeB, "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi")

			axisStore := newReopenable(t, d, "axis")
			axisDB := axisStore.open(t)
			ax := axistest.StartAxis(t, p, axisDB, nil)
			depA := newDeployment(t, "A", newReopenable(t, d, "a").open(t), ax, true, testTuning, agA, agA2)
			depB := newDeployment(t, "B", newReopenable(t, d, "b").open(t), ax, true, testTuning, agB)

			const n = 60
			recipients := [][]string{{codeB}, {codeA2}, {codeB, codeA2}}
			want := map[string]int{} // receiver:message id → 1
			var docIDs []string
			sendSome := func(from, to int) {
				for i := from; i < to; i++ {
					to := recipients[i%len(recipients)]
					env, body := agA.Document(t, to...)
					for _, r := range to {
						want[r+":"+env.MessageID] = 1
					}
					docIDs = append(docIDs, env.Header.DocumentID)
					depA.send(t, env, body)
				}
			}
			received := func() (bool, string) {
				gotA, stA := depA.handler.snapshot()
				gotB, _ := depB.handler.snapshot()
				// The outboxes drain too: a package whose answer was lost
				// to the restart is delivered again (and deduplicated).
				undelivered := 0
				for _, dep := range []*deployment{depA, depB} {
					var k int
					_ = dep.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM exchange_outbox WHERE status <> 'delivered'`).Scan(&k)
					undelivered += k
				}
				return len(gotA)+len(gotB) == len(want) && len(stA) == len(want) && undelivered == 0,
					fmt.Sprintf("%d+%d of %d documents, %d of %d statuses, %d undelivered", len(gotA), len(gotB), len(want), len(stA), len(want), undelivered)
			}

			start := time.Now()
			sendSome(0, n/2)
			// Let some go through, then restart the axis mid-stream.
			waitFor(t, "the first deliveries", 30*time.Second, func() (bool, string) {
				got, _ := depB.handler.snapshot()
				return len(got) >= 5, fmt.Sprintf("%d at B", len(got))
			})
			ax.Kill()
			atKill, _ := depB.handler.snapshot()
			t.Logf("axis killed after %v with %d of %d packages for B handled", time.Since(start).Round(time.Millisecond), len(atKill), 2*n/3)
			if err := axisDB.Close(); err != nil {
				t.Fatal(err)
			}
			sendSome(n/2, 3*n/4) // queued while the axis is down
			time.Sleep(100 * time.Millisecond)
			axisDB = axisStore.open(t)
			ax.Restart(axisDB)
			sendSome(3*n/4, n)

			waitFor(t, "every document and status", 60*time.Second, received)
			t.Logf("all delivered after %v", time.Since(start).Round(time.Millisecond))
			// The handlers run inside the inbox's transaction, before its
			// commit and the acknowledgement to the axis: let those land.
			waitFor(t, "the last commits and acknowledgements", 30*time.Second, func() (bool, string) {
				var open int
				for _, dep := range []*deployment{depA, depB} {
					var k int
					_ = dep.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM exchange_inbox WHERE status = 'pending'`).Scan(&k)
					open += k
				}
				var unacked int
				_ = ax.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM axis_packages WHERE acked_at = 0`).Scan(&unacked)
				return open == 0 && unacked == 0, fmt.Sprintf("%d pending in the inboxes, %d unacknowledged at the axis", open, unacked)
			})

			// Exactly once: one handler call per (receiver, message), one
			// committed row each, one status back per delivery.
			gotA, statuses := depA.handler.snapshot()
			gotB, _ := depB.handler.snapshot()
			for k, v := range gotB {
				gotA[k] += v
			}
			for k := range want {
				if gotA[k] != 1 {
					t.Errorf("%s handled %d times", k, gotA[k])
				}
			}
			for k, v := range statuses {
				if v != 1 {
					t.Errorf("status %s handled %d times", k, v)
				}
			}
			ctx := context.Background()
			for _, dep := range []*deployment{depA, depB} {
				var docs, sts, pending, rejected int
				_ = dep.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kyso_meta WHERE key LIKE 'doc:%'`).Scan(&docs)
				_ = dep.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kyso_meta WHERE key LIKE 'status:%'`).Scan(&sts)
				_ = dep.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM exchange_outbox WHERE status <> 'delivered'`).Scan(&pending)
				_ = dep.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM exchange_inbox WHERE status <> 'processed'`).Scan(&rejected)
				if pending != 0 || rejected != 0 {
					t.Errorf("%s: %d undelivered in the outbox, %d unprocessed in the inbox", dep.name, pending, rejected)
				}
				t.Logf("%s: %d documents, %d statuses committed", dep.name, docs, sts)
			}
			var docsCommitted int
			for _, dep := range []*deployment{depA, depB} {
				var k int
				_ = dep.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kyso_meta WHERE key LIKE 'doc:%'`).Scan(&k)
				docsCommitted += k
			}
			if docsCommitted != len(want) {
				t.Errorf("%d documents committed, want %d", docsCommitted, len(want))
			}
			// Every copy the axis holds was acknowledged: n/3 to B only,
			// n/3 to both, all of them answered to A.
			var unacked, total int
			_ = ax.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM axis_packages WHERE acked_at = 0`).Scan(&unacked)
			_ = ax.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM axis_packages`).Scan(&total)
			if unacked != 0 || total != 4*n/3 {
				t.Errorf("axis: %d packages, %d unacknowledged; want %d, 0", total, unacked, 4*n/3)
			}
		})
	}
}

// TestAxisTransportErrors: the outbox's view of the axis's answers.
func TestAxisTransportErrors(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	w := newWorld(t, db, nil)
	ctx := context.Background()
	tr := &outbox.AxisTransport{Client: func(string) (*axis.Client, error) { return w.axis.Client(t, w.a), nil }}
	env, body := w.a.Document(t, codeB)
	m := outbox.Message{ID: env.MessageID, Kind: outbox.KindDocument, From: codeA, To: codeB, Body: body}
	if err := tr.Deliver(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := tr.Deliver(ctx, m); err != nil {
		t.Fatalf("a duplicate delivery is a success: %v", err)
	}
	bad := m
	bad.Body = []byte("<edXML/>")
	if err := tr.Deliver(ctx, bad); !outbox.IsPermanent(err) {
		t.Fatalf("a refused package: %v, want permanent", err)
	}
	noCert := &outbox.AxisTransport{Client: func(string) (*axis.Client, error) { return nil, errors.New("no certificate installed") }}
	if err := noCert.Deliver(ctx, m); err == nil || outbox.IsPermanent(err) {
		t.Fatalf("no client certificate: %v, want a temporary error", err)
	}
	w.axis.Stop()
	if err := tr.Deliver(ctx, m); err == nil || outbox.IsPermanent(err) || !strings.Contains(err.Error(), "axis") {
		t.Fatalf("axis down: %v, want a temporary error", err)
	}
}
