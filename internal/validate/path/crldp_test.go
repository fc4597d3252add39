package path

import (
	"encoding/asn1"
	"testing"
)

// raw marshals a context-specific or universal element for hand-built DER.
func raw(t *testing.T, class, tag int, compound bool, body []byte) []byte {
	t.Helper()
	return mustMarshal(t, asn1.RawValue{Class: class, Tag: tag, IsCompound: compound, Bytes: body})
}

// TestDistributionPointNames: a nameRelativeToCRLIssuer point resolves
// against the issuer and meets the same name given in full by an
// issuingDistributionPoint (RFC 5280 §6.3.3 (b)(2)(i)), and reasons parse.
func TestDistributionPointNames(t *testing.T) {
	issuerDER := rawName(t, []attr{{oidO, 19, "Gov"}})
	fullDER := rawName(t, []attr{{oidO, 19, "Gov"}}, []attr{{oidCN, 19, "CRL1"}})
	atv := raw(t, 0, 16, true, append(mustMarshal(t, oidCN), raw(t, 0, 19, false, []byte("crl1"))...))

	// DistributionPoint { distributionPoint [0] { nameRelativeToCRLIssuer [1] },
	// reasons [1] keyCompromise|cACompromise }.
	dp := raw(t, 2, 0, true, raw(t, 2, 1, true, atv))
	dp = append(dp, raw(t, 2, 1, false, []byte{0x05, 0x60})...)
	ext := raw(t, 0, 16, true, raw(t, 0, 16, true, dp))
	dps, err := parseDistributionPoints(ext)
	if err != nil {
		t.Fatal(err)
	}
	if len(dps) != 1 || dps[0].reasons != 1<<1|1<<2 {
		t.Fatalf("got %+v", dps)
	}
	issuer, _, _ := parseName(issuerDER)
	relative := pointNames(dps[0], issuer)

	// issuingDistributionPoint { distributionPoint [0] { fullName [0] { [4] Name } } }.
	idpDER := raw(t, 0, 16, true, raw(t, 2, 0, true, raw(t, 2, 0, true, raw(t, 2, 4, true, fullDER))))
	idp, err := parseIDP(idpDER)
	if err != nil {
		t.Fatal(err)
	}
	if !intersects(relative, pointNames(idp.point, issuer)) {
		t.Errorf("%q and %q do not meet", relative, pointNames(idp.point, issuer))
	}

	for _, bad := range [][]byte{nil, {0x30, 0x00}, raw(t, 0, 16, true, raw(t, 0, 16, true, nil))} {
		if _, err := parseDistributionPoints(bad); err == nil {
			t.Errorf("%x parsed", bad)
		}
	}
}
