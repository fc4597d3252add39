package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/bits"

	"golang.org/x/crypto/scrypt"
)

// This file reads encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo with
// RFC 8018 PBES2). kyso writes that format with github.com/youmark/pkcs8,
// but reads it here because a key file is untrusted input and the
// library's reader is not safe for it: malformed IVs or ciphertext lengths
// make it panic, it derives keys with whatever KDF cost the file asks for
// (a crafted scrypt N exhausts memory), it leaves the CBC padding unchecked,
// and it reports "incorrect password" for anything it cannot parse. Here
// every parameter is bounded before any work is done, and a wrong
// passphrase is told apart from a damaged or unsupported file.

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// Limits on what a key file may ask of us. They are far above what kyso
// and openssl write, and low enough that a hostile file cannot stall or
// exhaust the machine.
const (
	maxPBKDF2Iterations = 10_000_000 // about 2.5 s of HMAC-SHA256
	maxScryptLogN       = 20
	maxScryptMemory     = 256 << 20 // bytes: scrypt needs 128·r·N
	maxScryptP          = 16
	maxSaltLen          = 1024
)

// encryptCommand turns any key openssl reads into one kyso reads, encrypted
// the way WriteEncrypted does it.
const encryptCommand = "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 600000 -in OLD.pem -out NEW.pem"

const reencryptHint = "re-encrypt it with: " + encryptCommand

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt      []byte
	N         int
	R         int
	P         int
	KeyLength int `asn1:"optional"`
}

// errUnsupported marks files that are well formed but use a scheme kyso
// does not read.
var errUnsupported = errors.New("unsupported encryption")

// decryptPKCS8 returns the PKCS#8 PrivateKeyInfo DER inside an
// EncryptedPrivateKeyInfo. A wrong passphrase yields ErrWrongPassphrase.
func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, errors.New("the encrypted key is damaged (not a valid EncryptedPrivateKeyInfo)")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: scheme %s is not PBES2; %s", errUnsupported, info.Algorithm.Algorithm, reencryptHint)
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) > 0 {
		return nil, errors.New("the encrypted key is damaged (bad PBES2 parameters)")
	}

	keyLen, iv, err := parseCipher(params.Scheme)
	if err != nil {
		return nil, err
	}
	ct := info.Data
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("the encrypted key is damaged (ciphertext is not whole AES blocks)")
	}
	derive, err := parseKDF(params.KDF, keyLen)
	if err != nil {
		return nil, err
	}
	key, err := derive(passphrase)
	if err != nil {
		return nil, fmt.Errorf("derive the decryption key: %w", err)
	}

	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("derive the decryption key: %w", err)
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)

	// With a wrong key the padding is garbage; in the rare case it looks
	// right, the plaintext still will not be exactly one DER SEQUENCE.
	plain, ok := unpad(plain)
	if !ok || !isOneSequence(plain) {
		return nil, ErrWrongPassphrase
	}
	return plain, nil
}

// parseCipher accepts AES-CBC and returns its key length and IV.
func parseCipher(ai pkix.AlgorithmIdentifier) (int, []byte, error) {
	var keyLen int
	switch {
	case ai.Algorithm.Equal(oidAES256CBC):
		keyLen = 32
	case ai.Algorithm.Equal(oidAES192CBC):
		keyLen = 24
	case ai.Algorithm.Equal(oidAES128CBC):
		keyLen = 16
	default:
		return 0, nil, fmt.Errorf("%w: cipher %s is not AES-CBC; %s", errUnsupported, ai.Algorithm, reencryptHint)
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &iv); err != nil || len(rest) > 0 || len(iv) != aes.BlockSize {
		return 0, nil, errors.New("the encrypted key is damaged (bad AES-CBC IV)")
	}
	return keyLen, iv, nil
}

// parseKDF checks the KDF parameters against our limits and returns a
// function deriving a keyLen-byte key.
func parseKDF(ai pkix.AlgorithmIdentifier, keyLen int) (func([]byte) ([]byte, error), error) {
	switch {
	case ai.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
			return nil, errors.New("the encrypted key is damaged (bad PBKDF2 parameters)")
		}
		if len(p.Salt) == 0 || len(p.Salt) > maxSaltLen || p.Iterations < 1 || (p.KeyLength != 0 && p.KeyLength != keyLen) {
			return nil, errors.New("the encrypted key is damaged (PBKDF2 parameters out of range)")
		}
		if p.Iterations > maxPBKDF2Iterations {
			return nil, fmt.Errorf("%w: PBKDF2 asks for %d iterations, more than kyso's limit of %d; %s", errUnsupported, p.Iterations, maxPBKDF2Iterations, reencryptHint)
		}
		h, err := prfHash(p.PRF)
		if err != nil {
			return nil, err
		}
		return func(pass []byte) ([]byte, error) {
			return pbkdf2.Key(h, string(pass), p.Salt, p.Iterations, keyLen)
		}, nil

	case ai.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
			return nil, errors.New("the encrypted key is damaged (bad scrypt parameters)")
		}
		if len(p.Salt) == 0 || len(p.Salt) > maxSaltLen || p.N < 2 || bits.OnesCount(uint(p.N)) != 1 ||
			p.R < 1 || p.P < 1 || (p.KeyLength != 0 && p.KeyLength != keyLen) {
			return nil, errors.New("the encrypted key is damaged (scrypt parameters out of range)")
		}
		if p.N > 1<<maxScryptLogN || p.R > maxScryptMemory/128/p.N || p.P > maxScryptP {
			return nil, fmt.Errorf("%w: scrypt asks for N=%d r=%d p=%d, more than kyso's limit; %s", errUnsupported, p.N, p.R, p.P, reencryptHint)
		}
		return func(pass []byte) ([]byte, error) {
			return scrypt.Key(pass, p.Salt, p.N, p.R, p.P, keyLen)
		}, nil
	}
	return nil, fmt.Errorf("%w: key derivation %s is neither PBKDF2 nor scrypt; %s", errUnsupported, ai.Algorithm, reencryptHint)
}

// prfHash maps a PBKDF2 PRF to its hash; an absent PRF means HMAC-SHA1
// (RFC 8018), which is what older openssl versions wrote.
func prfHash(ai pkix.AlgorithmIdentifier) (func() hash.Hash, error) {
	switch {
	case len(ai.Algorithm) == 0 || ai.Algorithm.Equal(oidHMACSHA1):
		return sha1.New, nil
	case ai.Algorithm.Equal(oidHMACSHA256):
		return sha256.New, nil
	case ai.Algorithm.Equal(oidHMACSHA384):
		return sha512.New384, nil
	case ai.Algorithm.Equal(oidHMACSHA512):
		return sha512.New, nil
	}
	return nil, fmt.Errorf("%w: PBKDF2 PRF %s is not HMAC-SHA1/256/384/512; %s", errUnsupported, ai.Algorithm, reencryptHint)
}

// unpad strips PKCS#7 padding, reporting whether it was well formed.
func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}

// isOneSequence reports whether b is exactly one DER SEQUENCE.
func isOneSequence(b []byte) bool {
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(b, &v)
	return err == nil && len(rest) == 0 && v.Class == asn1.ClassUniversal && v.Tag == asn1.TagSequence && v.IsCompound
}
