package ocsp

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"

	xocsp "golang.org/x/crypto/ocsp"
)

// Full OCSPRequest shapes (RFC 6960 §4.1.1), to build what ocspRequest cannot.
type (
	tCertID struct {
		HashAlgorithm  pkix.AlgorithmIdentifier
		IssuerNameHash []byte
		IssuerKeyHash  []byte
		SerialNumber   *big.Int
	}
	tRequest struct {
		CertID     tCertID
		Extensions []pkix.Extension `asn1:"explicit,tag:0,optional"`
	}
	tTBS struct {
		Version       int           `asn1:"explicit,tag:0,optional"`
		RequestorName asn1.RawValue `asn1:"explicit,tag:1,optional"`
		RequestList   []tRequest
		Extensions    []pkix.Extension `asn1:"explicit,tag:2,optional"`
	}
	tSignature struct {
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}
	tOCSPRequest struct {
		TBS       tTBS
		Signature tSignature `asn1:"explicit,tag:0,optional"`
	}
)

func TestParseRequest(t *testing.T) {
	p := newTestPKI(t, "ecdsa")
	base := ocspRequest(t, p.leaves[0].SerialNumber, p.ca, hashSHA1, nil)
	std, err := xocsp.ParseRequest(base)
	if err != nil {
		t.Fatal(err)
	}
	id := tCertID{
		HashAlgorithm:  pkix.AlgorithmIdentifier{Algorithm: oidSHA1, Parameters: asn1.NullRawValue},
		IssuerNameHash: std.IssuerNameHash,
		IssuerKeyHash:  std.IssuerKeyHash,
		SerialNumber:   std.SerialNumber,
	}
	other := id
	other.SerialNumber = big.NewInt(42)
	noParams := id
	noParams.HashAlgorithm.Parameters = asn1.RawValue{}
	ext := func(oid asn1.ObjectIdentifier, critical bool, value []byte) pkix.Extension {
		return pkix.Extension{Id: oid, Critical: critical, Value: value}
	}
	octets := func(b []byte) []byte { v, _ := asn1.Marshal(b); return v }
	nonce := octets([]byte("0123456789abcdef"))
	// requestorName [1] EXPLICIT GeneralName, here a dNSName [2]; written
	// whole, as encoding/asn1 does not tag a RawValue given by FullBytes.
	dns, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte("client.example")})
	name, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: dns})

	tests := []struct {
		name      string
		req       tOCSPRequest
		wantNonce []byte // nil: none
		wantErr   bool
	}{
		{name: "plain", req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}}}}},
		{name: "no hash parameters", req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: noParams}}}}},
		{name: "two requests answer the first", req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}, {CertID: other}}}}},
		{name: "requestorName", req: tOCSPRequest{TBS: tTBS{RequestorName: asn1.RawValue{FullBytes: name}, RequestList: []tRequest{{CertID: id}}}}},
		{name: "signed", req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}}},
			Signature: tSignature{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}, Signature: asn1.BitString{Bytes: []byte{1, 2, 3}, BitLength: 24}}}},
		{name: "single request extensions", req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id,
			Extensions: []pkix.Extension{ext(asn1.ObjectIdentifier{1, 2, 3}, false, []byte{5, 0})}}}}}},
		{name: "nonce", wantNonce: nonce, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(oidOCSPNonce, false, nonce)}}}},
		{name: "critical nonce among others", wantNonce: nonce, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 4}, false, []byte{0x30, 0}), ext(oidOCSPNonce, true, nonce)}}}},
		{name: "legacy raw nonce", wantNonce: []byte("raw nonce bytes!"), req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(oidOCSPNonce, false, []byte("raw nonce bytes!"))}}}},
		{name: "nonce twice", wantErr: true, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(oidOCSPNonce, false, nonce), ext(oidOCSPNonce, false, nonce)}}}},
		{name: "nonce of 129 octets", wantErr: true, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(oidOCSPNonce, false, octets(make([]byte, 129)))}}}},
		{name: "empty nonce", wantErr: true, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{{CertID: id}},
			Extensions: []pkix.Extension{ext(oidOCSPNonce, false, octets(nil))}}}},
		{name: "version 2", wantErr: true, req: tOCSPRequest{TBS: tTBS{Version: 1, RequestList: []tRequest{{CertID: id}}}}},
		{name: "no requests", wantErr: true, req: tOCSPRequest{TBS: tTBS{RequestList: []tRequest{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der, err := asn1.Marshal(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseRequest(der)
			if tt.wantErr {
				if err == nil {
					t.Fatal("parsed, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.alg != hashSHA1 || !bytes.Equal(got.nameHash, std.IssuerNameHash) || !bytes.Equal(got.keyHash, std.IssuerKeyHash) ||
				serialInt(got.serial).Cmp(std.SerialNumber) != 0 {
				t.Errorf("CertID %+v, want the first request's", got)
			}
			if !bytes.Equal(got.nonce, tt.wantNonce) {
				t.Errorf("nonce %x, want %x", got.nonce, tt.wantNonce)
			}
		})
	}
}

func TestSerialConversions(t *testing.T) {
	for _, n := range []int64{0, 1, 127, 128, 255, 256, -1, -128, -129, 1 << 40} {
		content, err := serialContent(big.NewInt(n))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkInteger(content); err != nil {
			t.Errorf("%d: %v", n, err)
		}
		if got := serialInt(content); got.Int64() != n {
			t.Errorf("%d: round trip gave %v", n, got)
		}
	}
}
