//go:build pkcs11

package keys

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// tokenKey is a key pair inside a PKCS#11 token. It owns the crypto11
// context (module reference, sessions, login) it was reached through, so
// closing the key releases them.
type tokenKey struct {
	signer crypto11.Signer
	ctx    *crypto11.Context
	desc   string

	once     sync.Once
	closeErr error
}

// Public returns the public half, read from the token when the key was opened.
func (k *tokenKey) Public() crypto.PublicKey { return k.signer.Public() }

// Sign signs digest inside the token.
func (k *tokenKey) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if pss, ok := opts.(*rsa.PSSOptions); ok && pss.SaltLength == rsa.PSSSaltLengthAuto {
		// crypto11 cannot choose a salt length. A hash-sized salt is what
		// RFC 8017 recommends and what verifiers using Auto accept.
		o := *pss
		o.SaltLength = rsa.PSSSaltLengthEqualsHash
		opts = &o
	}
	sig, err := k.signer.Sign(r, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("keys: sign with %s: %w", k.desc, err)
	}
	return sig, nil
}

// Close logs out and releases the token's sessions; the key is unusable after.
func (k *tokenKey) Close() error {
	k.once.Do(func() { k.closeErr = k.ctx.Close() })
	return k.closeErr
}

func openPKCS11(ctx context.Context, u *pkcs11URI, o options) (crypto.Signer, error) {
	c, module, err := configure(u, o)
	if err != nil {
		return nil, err
	}
	var label []byte
	if u.object != "" {
		label = []byte(u.object)
	}
	found, err := c.FindKeyPairs(u.id, label)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("keys: look up %s: %w", u.describe(), err)
	}
	switch len(found) {
	case 0:
		_ = c.Close()
		return nil, fmt.Errorf("keys: %s: no such key pair (kyso finds only private keys with a CKA_ID and a matching public key); list the token's keys with: pkcs11-tool --module %s --login --list-objects", u.describe(), module)
	case 1:
	default:
		_ = c.Close()
		return nil, fmt.Errorf("keys: %s matches %d key pairs; add id= to the URI to say which one", u.describe(), len(found))
	}
	if err := checkUsable(u.describe(), found[0].Public()); err != nil {
		_ = c.Close()
		return nil, err
	}
	return &tokenKey{signer: found[0], ctx: c, desc: u.describe()}, nil
}

func generatePKCS11(ctx context.Context, u *pkcs11URI, alg Algorithm, o options) (_ crypto.Signer, err error) {
	c, _, err := configure(u, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = c.Close()
		}
	}()

	label := []byte(u.object)
	// Two keys with one label would make every later Open ambiguous.
	if taken, err := c.FindPrivateKeys(nil, label); err != nil {
		return nil, fmt.Errorf("keys: look up %s: %w", u.describe(), err)
	} else if len(taken) > 0 {
		return nil, fmt.Errorf("keys: %s already holds a key labelled %q; choose another object= label", u.describe(), u.object)
	}
	id := u.id
	if len(id) == 0 {
		id = make([]byte, 16)
		if _, err := rand.Read(id); err != nil {
			return nil, fmt.Errorf("keys: make a key id: %w", err)
		}
	} else if taken, err := c.FindPrivateKeys(id, nil); err != nil {
		return nil, fmt.Errorf("keys: look up %s: %w", u.describe(), err)
	} else if len(taken) > 0 {
		return nil, fmt.Errorf("keys: %s: the token already holds a key with id %x; choose another id= or leave it out", u.describe(), id)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("keys: generate in %s: %w", u.describe(), err)
	}

	pub, err := crypto11.NewAttributeSetWithIDAndLabel(id, label)
	if err != nil {
		return nil, fmt.Errorf("keys: generate in %s: %w", u.describe(), err)
	}
	priv := pub.Copy()
	// A CA key only signs: never leaves the token, never decrypts or
	// derives, so a compromise of one use cannot reach another.
	for attr, v := range map[crypto11.AttributeType]bool{
		crypto11.CkaToken:       true,
		crypto11.CkaPrivate:     true,
		crypto11.CkaSensitive:   true,
		crypto11.CkaExtractable: false,
		crypto11.CkaSign:        true,
		crypto11.CkaDecrypt:     false,
		crypto11.CkaDerive:      false,
	} {
		if err := priv.Set(attr, v); err != nil {
			return nil, fmt.Errorf("keys: generate in %s: %w", u.describe(), err)
		}
	}

	var signer crypto11.Signer
	if bits := alg.rsaBits(); bits > 0 {
		if err := pub.Set(crypto11.CkaEncrypt, false); err != nil {
			return nil, fmt.Errorf("keys: generate in %s: %w", u.describe(), err)
		}
		signer, err = c.GenerateRSAKeyPairWithAttributes(pub, priv, bits)
	} else {
		signer, err = c.GenerateECDSAKeyPairWithAttributes(pub, priv, alg.curve())
	}
	if err != nil {
		return nil, fmt.Errorf("keys: generate a %s key in %s: %w; check that the token supports it", alg, u.describe(), err)
	}
	desc := fmt.Sprintf("%s, id %x", u.describe(), id)
	return &tokenKey{signer: signer, ctx: c, desc: desc}, nil
}

// configure opens the module, finds the token and logs in. It returns the
// module path for messages.
func configure(u *pkcs11URI, o options) (*crypto11.Context, string, error) {
	module := firstNonEmpty(u.modulePath, o.modulePath)
	if module == "" {
		return nil, "", fmt.Errorf("keys: no PKCS#11 module given for %s; add ?module-path=/path/to/vendor-pkcs11.so to the URI or configure the module path", u.describe())
	}
	if _, err := os.Stat(module); err != nil {
		return nil, "", fmt.Errorf("keys: PKCS#11 module: %w; install the token vendor's library or correct the module path", err)
	}
	pin := firstNonEmpty(u.pin, o.pin, os.Getenv(EnvPKCS11PIN))
	if pin == "" {
		return nil, "", fmt.Errorf("keys: no PIN given for %s; set %s, or add pin-value= to the URI", u.describe(), EnvPKCS11PIN)
	}

	c, err := crypto11.Configure(&crypto11.Config{Path: module, TokenLabel: u.token, Pin: pin})
	if err == nil {
		return c, module, nil
	}
	var rv pkcs11.Error
	switch {
	case errors.As(err, &rv) && (rv == pkcs11.CKR_PIN_INCORRECT || rv == pkcs11.CKR_PIN_LEN_RANGE):
		return nil, "", errorOf(ErrWrongPIN, "keys: the token refused the PIN for %s; check %s (each wrong PIN brings the token closer to locking itself)", u.describe(), EnvPKCS11PIN)
	case errors.As(err, &rv) && rv == pkcs11.CKR_PIN_LOCKED:
		return nil, "", fmt.Errorf("keys: the user PIN of %s is locked after too many wrong PINs; the token's security officer must unlock it", u.describe())
	case err.Error() == "could not find PKCS#11 token": // crypto11's unexported errTokenNotFound
		return nil, "", fmt.Errorf("keys: module %s has no token labelled %q; list tokens with: pkcs11-tool --module %s --list-slots", module, u.token, module)
	}
	return nil, "", fmt.Errorf("keys: open %s with module %s: %w", u.describe(), module, err)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
