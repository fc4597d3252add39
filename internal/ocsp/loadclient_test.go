package ocsp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what one run of runLoad measured.
type loadResult struct {
	requests, failures, dials int
	elapsed                   time.Duration
	p50, p99, max             time.Duration
	body                      []byte // the last response body
}

func (r loadResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests in %v: %.0f req/s, p50 %v, p99 %v, max %v, %d failures, %d connections",
		r.requests, r.elapsed.Round(time.Millisecond), r.perSecond(), r.p50, r.p99, r.max, r.failures, r.dials)
}

// runLoad sends req (a complete HTTP/1.1 request) to addr from conns
// concurrent keep-alive connections until total requests have been sent
// or limit has passed, whichever comes first. A server that closes the
// connection (OpenSSL answers HTTP/1.0 and does) is dialled again, and
// the dial counts in that request's latency, as it would for a client.
//
// It speaks just enough HTTP by hand, without net/http, so that the load
// generator costs little of the CPU it shares with the server under test.
func runLoad(addr string, req []byte, conns, total int, limit time.Duration) loadResult {
	var next atomic.Int64
	deadline := time.Now().Add(limit)
	lats := make([][]time.Duration, conns)
	stats := make([]loadResult, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Go(func() {
			lats[i] = make([]time.Duration, 0, total/conns+1)
			stats[i] = loadWorker(addr, req, &next, int64(total), deadline, &lats[i])
		})
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start)}
	var all []time.Duration
	for i := range conns {
		all = append(all, lats[i]...)
		res.failures += stats[i].failures
		res.dials += stats[i].dials
		if stats[i].body != nil {
			res.body = stats[i].body
		}
	}
	res.requests = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		res.p50 = all[len(all)*50/100]
		res.p99 = all[len(all)*99/100]
		res.max = all[len(all)-1]
	}
	return res
}

func loadWorker(addr string, req []byte, next *atomic.Int64, total int64, deadline time.Time, lats *[]time.Duration) loadResult {
	var res loadResult
	var conn net.Conn
	var br *bufio.Reader
	body := make([]byte, 0, 4096)
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for next.Add(1) <= total && time.Now().Before(deadline) {
		start := time.Now()
		if conn == nil {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				res.failures++
				continue
			}
			conn, br = c, bufio.NewReaderSize(c, 16<<10)
			res.dials++
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		status, keepAlive, b, err := roundTrip(conn, br, req, body[:0])
		body = b
		if err != nil || status != 200 {
			res.failures++
			conn.Close()
			conn = nil
			continue
		}
		*lats = append(*lats, time.Since(start))
		if !keepAlive {
			conn.Close()
			conn = nil
		}
	}
	if len(body) > 0 {
		res.body = bytes.Clone(body)
	}
	return res
}

// roundTrip writes req and reads one response, appending its body to body.
func roundTrip(conn net.Conn, br *bufio.Reader, req, body []byte) (status int, keepAlive bool, _ []byte, _ error) {
	if _, err := conn.Write(req); err != nil {
		return 0, false, body, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, body, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, body, errors.New("bad status line")
	}
	keepAlive = line[7] == '1'
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, body, err
	}
	length := -1
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, false, body, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, body, err
			}
		case bytes.EqualFold(name, []byte("Connection")):
			keepAlive = bytes.EqualFold(value, []byte("keep-alive"))
		}
	}
	if length < 0 {
		b, err := io.ReadAll(br)
		return status, false, append(body, b...), err
	}
	body = slices.Grow(body, length)[:length]
	_, err = io.ReadFull(br, body)
	return status, keepAlive, body, err
}

// httpPost returns a complete HTTP/1.1 POST of an OCSP request.
func httpPost(addr, path string, der []byte) []byte {
	h := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n",
		path, addr, contentTypeRequest, len(der))
	return append([]byte(h), der...)
}

// httpGet returns a complete HTTP/1.1 GET of path.
func httpGet(addr, path string) []byte {
	return []byte(fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\n\r\n", path, addr))
}
