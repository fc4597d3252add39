package keys

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestDecryptPKCS8Hostile feeds well-formed files with hostile or broken
// parameters. None may panic, none may run for long, and each must say
// what is wrong.
func TestDecryptPKCS8Hostile(t *testing.T) {
	iv := make([]byte, 16)
	salt := []byte("0123456789abcdef")
	aes256 := algID(oidAES256CBC, iv)
	pbkdf2 := func(iter int, prf asn1.ObjectIdentifier) pkix.AlgorithmIdentifier {
		return algID(oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: iter, PRF: pkix.AlgorithmIdentifier{Algorithm: prf, Parameters: asn1.NullRawValue}})
	}
	scrypt := func(n, r, p int) pkix.AlgorithmIdentifier {
		return algID(oidScrypt, scryptParams{Salt: salt, N: n, R: r, P: p})
	}
	block := make([]byte, 32)
	tests := []struct {
		name   string
		scheme asn1.ObjectIdentifier
		kdf    pkix.AlgorithmIdentifier
		cipher pkix.AlgorithmIdentifier
		data   []byte
		want   string
	}{
		{"pbes1", asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 10}, pbkdf2(1000, oidHMACSHA256), aes256, block, "not PBES2"},
		{"huge pbkdf2", oidPBES2, pbkdf2(1<<31-1, oidHMACSHA256), aes256, block, "more than kyso's limit"},
		{"zero pbkdf2", oidPBES2, pbkdf2(0, oidHMACSHA256), aes256, block, "out of range"},
		{"unknown prf", oidPBES2, pbkdf2(1000, asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 12}), aes256, block, "PRF"},
		{"huge scrypt N", oidPBES2, scrypt(1<<30, 8, 1), aes256, block, "more than kyso's limit"},
		{"scrypt memory", oidPBES2, scrypt(1<<20, 8, 1), aes256, block, "more than kyso's limit"},
		{"scrypt p", oidPBES2, scrypt(1<<10, 8, 1<<20), aes256, block, "more than kyso's limit"},
		{"scrypt N not power of 2", oidPBES2, scrypt(1000, 8, 1), aes256, block, "out of range"},
		{"scrypt r zero", oidPBES2, scrypt(1024, 0, 1), aes256, block, "out of range"},
		{"unknown kdf", oidPBES2, algID(asn1.ObjectIdentifier{1, 2, 3}, 5), aes256, block, "neither PBKDF2 nor scrypt"},
		{"key length mismatch", oidPBES2, algID(oidPBKDF2, pbkdf2Params{Salt: salt, Iterations: 1000, KeyLength: 16}), aes256, block, "out of range"},
		{"empty salt", oidPBES2, algID(oidPBKDF2, pbkdf2Params{Salt: []byte{}, Iterations: 1000}), aes256, block, "out of range"},
		{"short iv", oidPBES2, pbkdf2(1000, oidHMACSHA256), algID(oidAES256CBC, iv[:8]), block, "IV"},
		{"3des", oidPBES2, pbkdf2(1000, oidHMACSHA256), algID(asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, iv[:8]), block, "not AES-CBC"},
		{"partial block", oidPBES2, pbkdf2(1000, oidHMACSHA256), aes256, block[:17], "whole AES blocks"},
		{"no ciphertext", oidPBES2, pbkdf2(1000, oidHMACSHA256), aes256, []byte{}, "whole AES blocks"},
		{"wrong key", oidPBES2, pbkdf2(1000, oidHMACSHA256), aes256, block, "wrong passphrase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := algID(tt.scheme, pbes2Params{KDF: tt.kdf, Scheme: tt.cipher})
			der, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: params, Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = decryptPKCS8(der, []byte(testPass))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decryptPKCS8 = %v, want error containing %q", err, tt.want)
			}
		})
	}

	t.Run("trailing data", func(t *testing.T) {
		der, _ := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: algID(oidPBES2, pbes2Params{KDF: pbkdf2(1000, oidHMACSHA256), Scheme: aes256}), Data: block})
		if _, err := decryptPKCS8(append(der, 0), []byte(testPass)); err == nil || errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("decryptPKCS8 with trailing data = %v, want a damaged-file error", err)
		}
	})
}

func algID(oid asn1.ObjectIdentifier, params any) pkix.AlgorithmIdentifier {
	b, err := asn1.Marshal(params)
	if err != nil {
		panic(err)
	}
	return pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: b}}
}

func TestUnpad(t *testing.T) {
	tests := []struct {
		in   []byte
		want []byte
		ok   bool
	}{
		{[]byte{1, 2, 3, 1}, []byte{1, 2, 3}, true},
		{[]byte{9, 3, 3, 3}, []byte{9}, true},
		{append(make([]byte, 16), 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16), make([]byte, 16), true},
		{[]byte{1, 2, 0}, nil, false},
		{[]byte{1, 2, 3, 2}, nil, false},
		{[]byte{5, 5}, nil, false},
		{append(make([]byte, 17), 17), nil, false},
		{nil, nil, false},
	}
	for _, tt := range tests {
		got, ok := unpad(tt.in)
		if ok != tt.ok || string(got) != string(tt.want) {
			t.Errorf("unpad(%v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
