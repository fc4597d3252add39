package path

import (
	"bytes"
	"crypto/x509"
	"sort"
	"time"
)

// candidate is a possible issuer of a certificate during building.
type candidate struct {
	cert   *x509.Certificate
	anchor bool
	keyID  int  // 0 key identifiers match, 1 unknown, 2 they differ
	valid  bool // within its validity period at the validation time
}

// candidates lists the possible issuers of c, best first: trust anchors
// (shortest paths), then matching key identifiers, then certificates valid
// at the validation time (so an expired cross-certificate is tried after a
// current one), then pool order.
func (b *builder) candidates(c *x509.Certificate) []candidate {
	info := b.v.s.infos.get(c)
	if info.issuerKey == "" {
		return nil
	}
	var out []candidate
	add := func(list []*x509.Certificate, anchor bool) {
		for _, x := range list {
			if x == c {
				continue
			}
			out = append(out, candidate{cert: x, anchor: anchor, keyID: keyIDRank(c, x), valid: b.validAt(x)})
		}
	}
	add(b.anchors[info.issuerKey], true)
	add(b.pool[info.issuerKey], false)
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.anchor != y.anchor {
			return x.anchor
		}
		if x.keyID != y.keyID {
			return x.keyID < y.keyID
		}
		return x.valid && !y.valid
	})
	return out
}

// keyIDRank compares c's authorityKeyIdentifier with issuer's
// subjectKeyIdentifier. A mismatch only lowers the rank: some CAs compute
// them inconsistently, and the signature decides.
func keyIDRank(c, issuer *x509.Certificate) int {
	if len(c.AuthorityKeyId) == 0 || len(issuer.SubjectKeyId) == 0 {
		return 1
	}
	if bytes.Equal(c.AuthorityKeyId, issuer.SubjectKeyId) {
		return 0
	}
	return 2
}

// validAt reports whether c is within its validity period at the
// validation time.
func (b *builder) validAt(c *x509.Certificate) bool {
	t := b.v.in.Time.Truncate(time.Second)
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}
