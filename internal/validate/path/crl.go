package path

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// CRLChecker is a RevocationChecker over a fixed set of CRLs, following
// RFC 5280 §6.3.3: distribution points and issuingDistributionPoint scope,
// indirect CRLs (cRLIssuer, certificateIssuer), reason codes and partial
// CRLs (onlySomeReasons, until every reason is covered), delta CRLs,
// critical extensions, and the CRL signer: the certificate's issuer or
// another certificate of the CRL issuer validated to the same anchor
// (separate CRL signing keys, indirect CRL issuers), with cRLSign.
//
// A CRL counts only when thisUpdate ≤ time < nextUpdate (a stale complete
// CRL still counts together with a current delta CRL); outside that the
// status is unknown. Every usable CRL in scope is consulted, and the
// certificate is revoked if any of them lists it.
//
// Set CRLs before first use and do not change them afterwards; Check may
// then be called concurrently.
type CRLChecker struct {
	// CRLs are the complete and delta CRLs to use.
	CRLs []*x509.RevocationList

	once     sync.Once
	byIssuer map[string][]*crlInfo
}

// index reads every CRL once, by canonical issuer name.
func (c *CRLChecker) index() {
	c.byIssuer = map[string][]*crlInfo{}
	for _, crl := range c.CRLs {
		if crl == nil {
			continue
		}
		ci := newCRLInfo(crl)
		c.byIssuer[ci.issuerKey] = append(c.byIssuer[ci.issuerKey], ci)
	}
}

// crlCheck is the working state of one Check call.
type crlCheck struct {
	c             *CRLChecker
	req           RevocationRequest
	certIssuerKey string
	certIssuer    dname
	notes         []string
}

// Check implements RevocationChecker.
func (c *CRLChecker) Check(ctx context.Context, req RevocationRequest) (RevocationStatus, error) {
	if req.Cert == nil || req.Issuer == nil {
		return RevocationStatus{}, errors.New("path: CRL check without certificate and issuer")
	}
	c.once.Do(c.index)
	k := &crlCheck{c: c, req: req}
	k.certIssuer, _, k.certIssuerKey = nameKey(req.Cert.RawIssuer)
	// A certificate without cRLDistributionPoints is covered by complete
	// CRLs of its issuer: one distribution point with no name and no
	// cRLIssuer.
	dps := []distributionPoint{{}}
	if ext := findExtension(req.Cert, oidExtCRLDistPoints); ext != nil {
		parsed, err := parseDistributionPoints(ext.Value)
		if err != nil {
			return RevocationStatus{}, fmt.Errorf("path: CRL check: %w", err)
		}
		dps = parsed
	}
	var mask reasonFlags
	var revoked *RevocationStatus
	var sources []string
	for _, dp := range dps {
		for _, ci := range k.inScope(dp) {
			if err := ctx.Err(); err != nil {
				return RevocationStatus{}, fmt.Errorf("path: CRL check: %w", err)
			}
			st, interim, ok := k.use(ctx, ci, dp)
			if !ok {
				continue
			}
			mask |= interim
			sources = append(sources, st.Source)
			if st.State == StatusRevoked && revoked == nil {
				revoked = &st
			}
		}
	}
	switch {
	case revoked != nil:
		return *revoked, nil
	case mask == allReasons:
		return RevocationStatus{State: StatusGood, Source: strings.Join(sources, "; ")}, nil
	}
	detail := "no usable CRL covers the certificate"
	if mask != 0 {
		detail = fmt.Sprintf("CRLs cover only reasons %#x", int(mask))
	}
	if len(k.notes) > 0 {
		detail += " (" + strings.Join(k.notes, "; ") + ")"
	}
	return RevocationStatus{State: StatusUnknown, Detail: detail}, nil
}

// note records why a CRL was not used, for the unknown status detail.
func (k *crlCheck) note(ci *crlInfo, format string, args ...any) {
	k.notes = append(k.notes, fmt.Sprintf("CRL of %s: ", ci.crl.Issuer)+fmt.Sprintf(format, args...))
}

// inScope is §6.3.3 (b): the complete CRLs whose issuer and scope fit the
// distribution point.
func (k *crlCheck) inScope(dp distributionPoint) []*crlInfo {
	var issuerKeys []string
	var crlIssuerNames []string
	for _, g := range dp.crlIssuer {
		crlIssuerNames = append(crlIssuerNames, generalNameKey(g))
		if g.tag == gnDirectoryName {
			if _, _, key := nameKey(g.data); key != "" {
				issuerKeys = append(issuerKeys, key)
			}
		}
	}
	if len(dp.crlIssuer) == 0 {
		issuerKeys = []string{k.certIssuerKey}
	}
	cert := k.req.Cert
	isCA := cert.BasicConstraintsValid && cert.IsCA
	var out []*crlInfo
	for _, key := range issuerKeys {
		for _, ci := range k.c.byIssuer[key] {
			if ci.delta {
				continue
			}
			if ci.unusable != "" {
				k.note(ci, "%s", ci.unusable)
				continue
			}
			// (b)(1): a CRL named by cRLIssuer must say it is indirect.
			if len(dp.crlIssuer) > 0 && (ci.idp == nil || !ci.idp.indirect) {
				continue
			}
			if idp := ci.idp; idp != nil {
				// (b)(2)(i): the distribution point names must meet.
				if idp.point.hasName {
					idpNames := pointNames(idp.point, ci.issuer)
					switch {
					case dp.hasName:
						if !intersects(idpNames, pointNames(dp, k.dpIssuer(dp))) {
							continue
						}
					case len(dp.crlIssuer) > 0:
						if !intersects(idpNames, crlIssuerNames) {
							continue
						}
					default:
						continue
					}
				}
				// (b)(2)(ii)-(iv): the kinds of certificate covered.
				if (idp.onlyUser && isCA) || (idp.onlyCA && !isCA) || idp.onlyAttribute {
					continue
				}
			}
			out = append(out, ci)
		}
	}
	return out
}

// dpIssuer is the name a nameRelativeToCRLIssuer of a certificate's
// distribution point is relative to: its cRLIssuer, else the certificate's
// issuer.
func (k *crlCheck) dpIssuer(dp distributionPoint) dname {
	for _, g := range dp.crlIssuer {
		if g.tag == gnDirectoryName {
			if n, _, err := parseName(g.data); err == nil {
				return n
			}
		}
	}
	return k.certIssuer
}

// use is §6.3.3 (c)-(j) for one complete CRL in scope: time, reasons,
// signer, delta CRL, and the entry for the certificate. ok is false when
// the CRL cannot be used.
func (k *crlCheck) use(ctx context.Context, ci *crlInfo, dp distributionPoint) (RevocationStatus, reasonFlags, bool) {
	t := k.req.Time
	if ci.crl.ThisUpdate.After(t) {
		k.note(ci, "issued after the validation time")
		return RevocationStatus{}, 0, false
	}
	// (c): the reasons this CRL can speak for.
	interim := allReasons
	if ci.idp != nil && ci.idp.point.reasons != 0 {
		interim &= ci.idp.point.reasons
	}
	if dp.reasons != 0 {
		interim &= dp.reasons
	}
	// (f), (g): a valid signer with cRLSign.
	signer, err := k.signer(ctx, ci)
	if err != nil {
		k.note(ci, "%v", err)
		return RevocationStatus{}, 0, false
	}
	// (h): a current delta CRL for this one, if any.
	delta := k.delta(ci, signer)
	if !ci.crl.NextUpdate.IsZero() && !t.Before(ci.crl.NextUpdate) && delta == nil {
		k.note(ci, "stale since %s", ci.crl.NextUpdate.UTC().Format(timeFormat))
		return RevocationStatus{}, 0, false
	}
	// (i), (j), (k): the delta entry first, then the complete CRL's;
	// removeFromCRL means not revoked.
	key := entryKey(k.req.Cert.SerialNumber, k.certIssuerKey)
	source := fmt.Sprintf("CRL of %s number %v", ci.crl.Issuer, ci.crl.Number)
	var entry *x509.RevocationListEntry
	if delta != nil {
		source += fmt.Sprintf(" with delta CRL number %v", delta.crl.Number)
		entry = delta.entries[key]
	}
	if entry == nil {
		entry = ci.entries[key]
	}
	if entry == nil || entry.ReasonCode == reasonRemoveFromCRL {
		return RevocationStatus{State: StatusGood, Source: source}, interim, true
	}
	return RevocationStatus{State: StatusRevoked, RevokedAt: entry.RevocationTime, ReasonCode: entry.ReasonCode, Source: source}, interim, true
}

// delta returns the current delta CRL with the highest number that updates
// ci: same issuer, same scope, base number not above ci's number, signed by
// the same key (RFC 5280 §5.2.4, §6.3.3 (h)).
func (k *crlCheck) delta(ci *crlInfo, signer *x509.Certificate) *crlInfo {
	t := k.req.Time
	var best *crlInfo
	for _, d := range k.c.byIssuer[ci.issuerKey] {
		switch {
		case !d.delta, d.unusable != "", d.base == nil, ci.crl.Number == nil:
			continue
		case string(d.idpRaw) != string(ci.idpRaw):
			continue
		case d.base.Cmp(ci.crl.Number) > 0, d.crl.Number.Cmp(ci.crl.Number) <= 0:
			continue
		case d.crl.ThisUpdate.After(t), !d.crl.NextUpdate.IsZero() && !t.Before(d.crl.NextUpdate):
			continue
		case best != nil && d.crl.Number.Cmp(best.crl.Number) <= 0:
			continue
		}
		if checkCRLSignature(signer, d.crl) != nil {
			continue
		}
		best = d
	}
	return best
}

// signer finds the certificate that signed ci (§6.3.3 (f), (g)): the
// certificate's issuer when it signed the CRL, otherwise a candidate named
// as the CRL issuer whose path to the same anchor validates. Either must
// allow cRLSign when it has keyUsage.
func (k *crlCheck) signer(ctx context.Context, ci *crlInfo) (*x509.Certificate, error) {
	issuer := k.req.Issuer
	var cands []*x509.Certificate
	if _, _, key := nameKey(issuer.RawSubject); key == ci.issuerKey {
		cands = append(cands, issuer)
	}
	var others []*x509.Certificate
	seen := map[string]bool{string(issuer.Raw): true}
	for _, c := range k.req.Candidates {
		if c == nil || seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		if _, _, key := nameKey(c.RawSubject); key == ci.issuerKey {
			others = append(others, c)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		return akiMatches(ci.crl.AuthorityKeyId, others[i]) && !akiMatches(ci.crl.AuthorityKeyId, others[j])
	})
	cands = append(cands, others...)
	var lastErr error = fmt.Errorf("no certificate of the CRL issuer %s", ci.crl.Issuer)
	for _, s := range cands {
		if findExtension(s, oidExtKeyUsage) != nil && s.KeyUsage&x509.KeyUsageCRLSign == 0 {
			lastErr = fmt.Errorf("signer %s lacks cRLSign", s.Subject)
			continue
		}
		if err := checkCRLSignature(s, ci.crl); err != nil {
			lastErr = fmt.Errorf("signature: %w", err)
			continue
		}
		if s == issuer {
			return s, nil
		}
		if k.req.VerifySigner == nil {
			lastErr = fmt.Errorf("signer %s is not the issuer and cannot be validated", s.Subject)
			continue
		}
		if err := k.req.VerifySigner(ctx, s); err != nil {
			lastErr = fmt.Errorf("signer %s: %w", s.Subject, err)
			continue
		}
		return s, nil
	}
	return nil, lastErr
}

// akiMatches reports whether a CRL's authorityKeyIdentifier names c's key.
func akiMatches(aki []byte, c *x509.Certificate) bool {
	return len(aki) > 0 && string(aki) == string(c.SubjectKeyId)
}

// checkCRLSignature verifies crl's signature with s's key only; whether s may
// sign CRLs is decided by the caller.
func checkCRLSignature(s *x509.Certificate, crl *x509.RevocationList) error {
	if s.PublicKeyAlgorithm == x509.DSA || s.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm {
		return x509.ErrUnsupportedAlgorithm
	}
	return s.CheckSignature(crl.SignatureAlgorithm, crl.RawTBSRevocationList, crl.Signature)
}
