package path

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
)

// CRL and CRL entry extension OIDs (RFC 5280 §5.2, §5.3).
var (
	oidCRLNumber         = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRLIndicator = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIssuingDistPoint  = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidEntryReasonCode   = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidEntryHoldCode     = asn1.ObjectIdentifier{2, 5, 29, 23}
	oidEntryInvalidity   = asn1.ObjectIdentifier{2, 5, 29, 24}
	oidEntryCertIssuer   = asn1.ObjectIdentifier{2, 5, 29, 29}
)

// crlExtensionsHandled are the CRL extensions that may be critical: the
// ones §6.3.3 processes, and informational ones it may safely ignore.
var crlExtensionsHandled = []asn1.ObjectIdentifier{
	oidExtAuthorityKeyID, oidCRLNumber, oidDeltaCRLIndicator, oidIssuingDistPoint,
	oidExtFreshestCRL, oidExtIssuerAltName, oidExtAuthorityInfoAccess,
}

// entryExtensionHandled are the CRL entry extensions that may be critical.
var entryExtensionHandled = []asn1.ObjectIdentifier{
	oidEntryReasonCode, oidEntryHoldCode, oidEntryInvalidity, oidEntryCertIssuer,
}

// reasonRemoveFromCRL is CRLReason removeFromCRL (RFC 5280 §5.3.1).
const reasonRemoveFromCRL = 8

// crlInfo is a CRL read once for checking: its scope, whether it is a
// delta, and its entries keyed by serial number and certificate issuer.
type crlInfo struct {
	crl       *x509.RevocationList
	issuer    dname
	issuerKey string
	idp       *issuingDistributionPoint
	idpRaw    []byte
	delta     bool
	base      *big.Int
	unusable  string // why the CRL may not be used; "" when it may
	entries   map[string]*x509.RevocationListEntry
}

// entryKey keys an entry by serial number and (canonical) issuer.
func entryKey(serial *big.Int, issuerKey string) string {
	return serial.String() + "|" + issuerKey
}

// newCRLInfo reads crl. A CRL with a critical extension or entry extension
// this package does not process is kept but marked unusable (RFC 5280 §5.2
// and §5.3: the application "MUST NOT use that CRL"), and so is one without
// cRLNumber or with it marked critical (§5.2.3; x509-limbo crl::crlnumber-*).
func newCRLInfo(crl *x509.RevocationList) *crlInfo {
	ci := &crlInfo{crl: crl, entries: map[string]*x509.RevocationListEntry{}}
	ci.issuer, _, ci.issuerKey = nameKey(crl.RawIssuer)
	for _, e := range crl.Extensions {
		switch {
		case e.Id.Equal(oidCRLNumber) && e.Critical:
			ci.unusable = "cRLNumber is marked critical"
		case e.Id.Equal(oidDeltaCRLIndicator):
			ci.delta = true
			ci.base = new(big.Int)
			v := cryptobyte.String(e.Value)
			if !v.ReadASN1Integer(ci.base) || !v.Empty() {
				ci.unusable = "malformed deltaCRLIndicator"
			}
		case e.Id.Equal(oidIssuingDistPoint):
			idp, err := parseIDP(e.Value)
			if err != nil {
				ci.unusable = err.Error()
			}
			ci.idp, ci.idpRaw = idp, e.Value
		case e.Critical && !oidIn(e.Id, crlExtensionsHandled):
			ci.unusable = fmt.Sprintf("unhandled critical CRL extension %s", e.Id)
		}
	}
	if crl.Number == nil && ci.unusable == "" {
		ci.unusable = "no cRLNumber"
	}
	ci.readEntries()
	return ci
}

// readEntries indexes the revoked certificates. In an indirect CRL each
// entry's issuer is the last certificateIssuer seen, the CRL issuer before
// the first (RFC 5280 §5.3.3).
func (ci *crlInfo) readEntries() {
	indirect := ci.idp != nil && ci.idp.indirect
	issuerKey := ci.issuerKey
	for i := range ci.crl.RevokedCertificateEntries {
		e := &ci.crl.RevokedCertificateEntries[i]
		for _, x := range e.Extensions {
			switch {
			case x.Id.Equal(oidEntryCertIssuer) && indirect:
				issuerKey = certificateIssuerKey(x.Value)
			case x.Critical && !oidIn(x.Id, entryExtensionHandled):
				ci.unusable = fmt.Sprintf("unhandled critical CRL entry extension %s", x.Id)
			}
		}
		if e.SerialNumber != nil {
			ci.entries[entryKey(e.SerialNumber, issuerKey)] = e
		}
	}
}

// certificateIssuerKey is the canonical directoryName of a certificateIssuer
// entry extension; "" (matching nothing) when it has none.
func certificateIssuerKey(der []byte) string {
	names, err := parseGeneralNamesDER(der)
	if err != nil {
		return ""
	}
	for _, g := range names {
		if g.tag == gnDirectoryName {
			_, _, k := nameKey(g.data)
			return k
		}
	}
	return ""
}
