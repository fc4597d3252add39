package ocsp

import (
	"encoding/hex"
	"sync"
)

// entry is one cached response. It is never modified once stored: a new
// signature replaces the pointer, so readers need no lock on the entry.
type entry struct {
	// head is the response DER without its issuer's trailing certs field;
	// the full response is head followed by issuer.certs. A string rather
	// than a slice saves 8 bytes an entry; io.WriteString sends it
	// without a copy.
	head string
	// producedAt and nextUpdate are Unix seconds.
	producedAt int64
	nextUpdate int64
	// notAfter is the certificate's expiry in Unix seconds, 0 if unknown.
	notAfter int64
	// seq orders stores: an entry built from a later Source lookup always
	// wins over one built from an earlier lookup, whatever order they
	// finish in. This is what makes Invalidate safe against a refresh or
	// a cache miss that read the old status just before the revocation.
	seq uint64
}

// tombstone reports whether e only records a seq, with no response.
// Invalidate leaves one when it cannot re-sign, so a slower in-flight
// signature of the old status cannot land after it.
func (e *entry) tombstone() bool { return e.head == "" }

// etagLen is how many octets of the signature make the ETag.
const etagLen = 12

// etag returns a strong validator (RFC 9110 §8.8.3) of the response: the
// last octets of its signature, which are the last octets of head. Any
// change to the signed data changes the signature, so the ETag changes
// whenever the bytes do, and it costs the cache no memory of its own.
func (e *entry) etag() string {
	var buf [2 + 2*etagLen]byte
	buf[0], buf[len(buf)-1] = '"', '"'
	hex.Encode(buf[1:], []byte(e.head[len(e.head)-etagLen:]))
	return string(buf[:])
}

// Cache keys are the issuer index (two bytes), the CertID hash algorithm
// (one byte) and the serial's INTEGER content octets. The hash algorithm
// is part of the key because the response must repeat the request's
// CertID, hashes included (RFC 6960 §4.2.1), for a client to match it.
const keyPrefixLen = 3

// appendKey appends the cache key for (issuer, alg, serial) to dst.
func appendKey(dst []byte, issuerIndex int, alg hashAlg, serial []byte) []byte {
	dst = append(dst, byte(issuerIndex>>8), byte(issuerIndex), byte(alg))
	return append(dst, serial...)
}

// splitKey undoes appendKey.
func splitKey(key string) (issuerIndex int, alg hashAlg, serial []byte) {
	return int(key[0])<<8 | int(key[1]), hashAlg(key[2]), []byte(key[keyPrefixLen:])
}

// cache is a bounded map from key to *entry, split into shards so that
// stores during a refresh or a burst of misses do not stall readers of
// other serials. When a shard is full, storing a new key evicts one
// arbitrary key of that shard: Go's map iteration starts at a random
// position, so this is random eviction, which costs no per-entry
// bookkeeping and keeps every entry small.
type cache struct {
	shards []shard
	mask   uint32
}

type shard struct {
	mu  sync.RWMutex
	m   map[string]*entry
	max int
}

// newCache returns a cache that holds at most maxEntries entries.
func newCache(maxEntries int) *cache {
	// Small caches get fewer shards so that the bound stays exact and
	// eviction within a shard stays meaningful.
	n := 1
	for n < 64 && n*1024 <= maxEntries {
		n *= 2
	}
	c := &cache{shards: make([]shard, n), mask: uint32(n - 1)}
	for i := range c.shards {
		c.shards[i].max = maxEntries / n
		if i < maxEntries%n {
			c.shards[i].max++
		}
		c.shards[i].m = make(map[string]*entry)
	}
	return c
}

func shardOf[K ~string | ~[]byte](c *cache, key K) *shard {
	// FNV-1a; serials are mostly random already, but sequential ones are
	// legal too and must still spread.
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return &c.shards[h&c.mask]
}

// get returns the response stored under key, or nil. It does not allocate.
func (c *cache) get(key []byte) *entry {
	s := shardOf(c, key)
	s.mu.RLock()
	e := s.m[string(key)]
	s.mu.RUnlock()
	if e == nil || e.tombstone() {
		return nil
	}
	return e
}

// put stores e under key unless the stored entry comes from a later
// lookup, and returns whichever entry the cache holds afterwards.
func (c *cache) put(key string, e *entry) *entry {
	s := shardOf(c, key)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.m[key]
	if ok && old.seq > e.seq {
		return old
	}
	if !ok && len(s.m) >= s.max {
		for k := range s.m {
			delete(s.m, k)
			break
		}
	}
	s.m[key] = e
	return e
}

// remove deletes key if it still holds e, so that an entry stored in the
// meantime is not lost.
func (c *cache) remove(key string, e *entry) {
	s := shardOf(c, key)
	s.mu.Lock()
	if s.m[key] == e {
		delete(s.m, key)
	}
	s.mu.Unlock()
}

// peek returns the entry under key including tombstones, or nil.
func (c *cache) peek(key string) *entry {
	s := shardOf(c, key)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[key]
}

// len returns the number of entries, tombstones included.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// keyed is a cache key with the entry it held when collected.
type keyed struct {
	key string
	e   *entry
}

// collect returns the entries of shard i for which keep is true. It holds
// the shard's read lock only while scanning, never while signing.
func (c *cache) collect(i int, keep func(*entry) bool) []keyed {
	s := &c.shards[i]
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []keyed
	for k, e := range s.m {
		if keep(e) {
			out = append(out, keyed{k, e})
		}
	}
	return out
}
