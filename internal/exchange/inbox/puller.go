package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/retry"
	"github.com/kyso-vn/kyso/internal/store"
)

// PullerConfig configures an AxisPuller.
type PullerConfig struct {
	DB *store.DB
	// Agencies lists the codes of the agencies this deployment hosts that
	// receive through the axis. It is read at start and every Refresh, so
	// an agency added later is picked up without a restart.
	Agencies func(ctx context.Context) ([]string, error)
	// Client returns the axis client that authenticates as the agency
	// (its service certificate). It is called once per agency and kept.
	Client func(code string) (*axis.Client, error)
	// Notify is called after packages were committed to the inbox:
	// Processor.Notify, so that they are handled at once.
	Notify func()
	Log    *slog.Logger
	// Wait is the long poll's wait (default 25 s), Batch the packages per
	// poll (default 50), Refresh how often Agencies is re-read (default 1
	// min). RetryBase and RetryMax shape the backoff after the axis or the
	// database failed (defaults 1 s and 1 min).
	Wait                time.Duration
	Batch               int
	Refresh             time.Duration
	RetryBase, RetryMax time.Duration
}

// AxisPuller fetches the packages waiting on the axis for this
// deployment's agencies and Accepts them into the inbox, acknowledging
// each to the axis only after the inbox committed it: a crash in between
// means the axis offers it again and the inbox answers "duplicate".
type AxisPuller struct {
	cfg PullerConfig
}

// NewAxisPuller checks cfg and returns a puller; start it with Run.
func NewAxisPuller(cfg PullerConfig) (*AxisPuller, error) {
	if cfg.DB == nil || cfg.Agencies == nil || cfg.Client == nil {
		return nil, errors.New("inbox: PullerConfig.DB, Agencies and Client are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Notify == nil {
		cfg.Notify = func() {}
	}
	if cfg.Wait <= 0 {
		cfg.Wait = 25 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = time.Minute
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Minute
	}
	return &AxisPuller{cfg: cfg}, nil
}

// Run pulls for every agency, one long poll each, until ctx ends; then it
// waits for the polls to stop and returns nil.
func (p *AxisPuller) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	running := map[string]context.CancelFunc{}
	defer func() {
		for _, cancel := range running {
			cancel()
		}
		wg.Wait()
	}()
	t := time.NewTicker(p.cfg.Refresh)
	defer t.Stop()
	for {
		codes, err := p.cfg.Agencies(ctx)
		if err != nil && ctx.Err() == nil {
			p.cfg.Log.Warn("inbox: list agencies to pull for", "err", err)
		}
		if err == nil {
			want := map[string]bool{}
			for _, c := range codes {
				want[c] = true
				if running[c] != nil {
					continue
				}
				cctx, cancel := context.WithCancel(ctx)
				running[c] = cancel
				wg.Add(1)
				go func() {
					defer wg.Done()
					p.loop(cctx, c)
				}()
			}
			for c, cancel := range running {
				if !want[c] {
					cancel()
					delete(running, c)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// loop pulls for one agency until ctx ends.
func (p *AxisPuller) loop(ctx context.Context, code string) {
	failures := 0
	for ctx.Err() == nil {
		_, err := p.pull(ctx, code, p.cfg.Wait)
		if err == nil {
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		failures++
		delay := retry.Backoff(p.cfg.RetryBase, p.cfg.RetryMax, failures)
		p.cfg.Log.Warn("inbox: pull from the axis failed", "agency", code, "attempt", failures, "retry_in", delay.Round(time.Millisecond), "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
	}
}

// PullOnce polls the axis once for code without waiting, stores what it
// got and acknowledges it; it returns how many packages it took.
func (p *AxisPuller) PullOnce(ctx context.Context, code string) (int, error) {
	return p.pull(ctx, code, 0)
}

func (p *AxisPuller) pull(ctx context.Context, code string, wait time.Duration) (int, error) {
	c, err := p.cfg.Client(code)
	if err != nil {
		return 0, fmt.Errorf("inbox: axis client for %s: %w", code, err)
	}
	msgs, err := c.Poll(ctx, p.cfg.Batch, wait)
	if err != nil {
		return 0, fmt.Errorf("inbox: poll the axis for %s: %w", code, err)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	acks := make([]string, 0, len(msgs))
	now := time.Now()
	err = p.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		acks = acks[:0]
		for _, m := range msgs {
			if m.To != code {
				// The axis answered with another agency's package: a
				// bug there. Leave it for its owner.
				p.cfg.Log.Error("inbox: the axis returned a package for another agency", "agency", code, "to", m.To, "axis_id", m.ID)
				continue
			}
			in := Message{ID: m.MessageID, Kind: string(m.Kind), From: m.From, To: m.To, Body: m.Body}
			dup, err := accept(ctx, tx, in, now)
			switch {
			case errors.Is(err, ErrInvalid), errors.Is(err, ErrConflict):
				// It can never be stored; keeping it on the axis would
				// only block the queue.
				p.cfg.Log.Warn("inbox: package from the axis refused", "agency", code, "axis_id", m.ID, "message_id", m.MessageID, "err", err)
			case err != nil:
				return err
			case dup:
				p.cfg.Log.Debug("inbox: duplicate from the axis", "agency", code, "message_id", m.MessageID)
			}
			acks = append(acks, m.ID)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("inbox: store packages for %s: %w", code, err)
	}
	p.cfg.Notify()
	if err := c.Ack(ctx, acks...); err != nil {
		// Committed but not acknowledged: the axis offers them again and
		// the inbox answers duplicate. Not lost, not doubled.
		return len(msgs), fmt.Errorf("inbox: acknowledge %d packages for %s: %w", len(acks), code, err)
	}
	return len(msgs), nil
}
