package tsa

import "encoding/asn1"

// DefaultPolicy returns the TSA policy OID an Authority uses unless
// WithPolicy names another (RFC 3161 §2.1 item 5, §2.4.2 "policy").
//
// It was made once, on 2026-11-23, from the random UUID
// 399738bd-9f86-4861-9fda-1f773643ebc8 and must never change, because issued
// tokens name it. The UUID sits under Microsoft's arc for GUID-derived OIDs,
// 1.2.840.113556.1.8000.2554, split as aaaa.bbbb.cccc.dddd.eeee.ffffff.gggggg
// with each hex group written in decimal, and not under 2.25 as one 128-bit
// arc (ITU-T X.667): encoding/asn1, and so digitorus/timestamp and every Go
// verifier built on them, rejects an arc above 2^31-1 ("base 128 integer too
// large"), so a 2.25 policy would make kyso's tokens unreadable to kyso's own
// Go code. Deployments should replace it with an OID from their operator's arc.
func DefaultPolicy() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113556, 1, 8000, 2554,
		14743, 14525, 40838, 18529, 40922, 2062134, 4451272}
}
