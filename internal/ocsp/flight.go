package ocsp

import (
	"errors"
	"sync"
)

// errFlightAborted is what waiters see if the signing call panicked.
var errFlightAborted = errors.New("ocsp: signing aborted")

// flight makes concurrent cache misses for one key sign once: the first
// caller signs, the others wait for its result. It is a minimal
// golang.org/x/sync/singleflight, which this module does not require
// directly.
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// do runs fn once for all callers that ask for key while it runs.
func (f *flight) do(key string, fn func() (*entry, error)) (*entry, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = make(map[string]*call)
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.e, c.err
	}
	c := &call{done: make(chan struct{}), err: errFlightAborted}
	f.calls[key] = c
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.e, c.err = fn()
	return c.e, c.err
}
