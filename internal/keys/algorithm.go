package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
)

// Algorithm names a key type and size kyso can generate.
type Algorithm string

// The algorithms kyso generates. RSA keys use the public exponent 65537.
const (
	RSA2048   Algorithm = "rsa2048"    // RSA-2048
	RSA3072   Algorithm = "rsa3072"    // RSA-3072
	RSA4096   Algorithm = "rsa4096"    // RSA-4096
	ECDSAP256 Algorithm = "ecdsa-p256" // ECDSA on NIST P-256
	ECDSAP384 Algorithm = "ecdsa-p384" // ECDSA on NIST P-384
)

// Algorithms lists every Algorithm in the order operators see them offered.
var Algorithms = []Algorithm{RSA2048, RSA3072, RSA4096, ECDSAP256, ECDSAP384}

// ParseAlgorithm reads an algorithm name such as "rsa3072" or "ECDSA-P256".
func ParseAlgorithm(s string) (Algorithm, error) {
	a := Algorithm(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Algorithms {
		if a == known {
			return a, nil
		}
	}
	return "", fmt.Errorf("keys: unknown key algorithm %q; use one of %s", s, algorithmList())
}

func algorithmList() string {
	names := make([]string, len(Algorithms))
	for i, a := range Algorithms {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// rsaBits returns the modulus size of an RSA algorithm, or 0.
func (a Algorithm) rsaBits() int {
	switch a {
	case RSA2048:
		return 2048
	case RSA3072:
		return 3072
	case RSA4096:
		return 4096
	}
	return 0
}

// curve returns the curve of an ECDSA algorithm, or nil.
func (a Algorithm) curve() elliptic.Curve {
	switch a {
	case ECDSAP256:
		return elliptic.P256()
	case ECDSAP384:
		return elliptic.P384()
	}
	return nil
}

// Generate makes a new software key from crypto/rand.
func Generate(alg Algorithm) (crypto.Signer, error) {
	if bits := alg.rsaBits(); bits > 0 {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("keys: generate %s: %w", alg, err)
		}
		return k, nil
	}
	if c := alg.curve(); c != nil {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generate %s: %w", alg, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("keys: unknown key algorithm %q; use one of %s", alg, algorithmList())
}

// PublicKeyAlgorithmName describes a public key for reports and logs,
// such as "RSA-2048" or "ECDSA P-256".
func PublicKeyAlgorithmName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "RSA"
		}
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("unknown (%T)", pub)
}

// minRSABits is the smallest RSA key Open accepts: NIST SP 800-131A
// disallows anything shorter for signatures.
const minRSABits = 2048

// checkUsable refuses keys kyso must not sign with, wherever they came from.
func checkUsable(where string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("keys: %s holds an %s key; kyso signs only with RSA keys of at least %d bits: generate a new key", where, PublicKeyAlgorithmName(pub), minRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return nil
		}
		return fmt.Errorf("keys: %s holds an %s key; kyso signs only with ECDSA on P-256, P-384 or P-521: generate a new key", where, PublicKeyAlgorithmName(pub))
	case ed25519.PublicKey:
		return nil
	}
	return fmt.Errorf("keys: %s holds a key of type %s, which kyso cannot sign with; use RSA or ECDSA", where, PublicKeyAlgorithmName(pub))
}
