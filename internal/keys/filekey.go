package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxKeyFileSize bounds what Open reads: an RSA-4096 key PEM is about
// 3.4 KB, so anything near this is not a key file.
const maxKeyFileSize = 1 << 20

// PEM block types that hold private keys.
const (
	pemEncryptedPKCS8 = "ENCRYPTED PRIVATE KEY"
	pemPKCS8          = "PRIVATE KEY"
	pemPKCS1          = "RSA PRIVATE KEY"
	pemSEC1           = "EC PRIVATE KEY"
)

// openFile opens a software key stored at path.
func openFile(path string, o options) (crypto.Signer, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	return parseKeyFile(path, data, o)
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("keys: key file %s does not exist; check the path in the key URI: %w", path, err)
		}
		return nil, fmt.Errorf("keys: read key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keys: read key file: %w", err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("keys: %s is larger than %d bytes, so it is not a key file; check the path in the key URI", path, maxKeyFileSize)
	}
	return data, nil
}

// parseKeyFile turns the contents of a key file into a signer. where names
// the file in messages.
func parseKeyFile(where string, data []byte, o options) (crypto.Signer, error) {
	block, err := findKeyBlock(where, data)
	if err != nil {
		return nil, err
	}

	var der []byte
	switch {
	case block.Type == pemEncryptedPKCS8:
		pass, err := passphraseFor(where, o)
		if err != nil {
			return nil, err
		}
		der, err = decryptPKCS8(block.Bytes, pass)
		switch {
		case errors.Is(err, ErrWrongPassphrase):
			return nil, errorOf(ErrWrongPassphrase, "keys: wrong passphrase for %s; check the passphrase given (%s or %s); a damaged file also gives this error", where, EnvPassphrase, EnvPassphraseFile)
		case err != nil:
			return nil, fmt.Errorf("keys: %s: %w", where, err)
		}
	case block.Headers["Proc-Type"] != "":
		// Legacy OpenSSL encryption (DEK-Info, MD5-based KDF): weak and
		// deprecated, so say how to convert rather than read it.
		return nil, fmt.Errorf("keys: %s uses the legacy OpenSSL PEM encryption, which kyso does not read; %s", where, reencryptHint)
	case !o.allowUnencrypted:
		return nil, errorOf(ErrUnencrypted, "keys: %s is not encrypted; kyso stores keys encrypted at rest: encrypt it with: %s", where, encryptCommand)
	default:
		der = block.Bytes
	}

	key, err := parsePrivateKeyDER(block.Type, der)
	if err != nil {
		return nil, fmt.Errorf("keys: %s: %w", where, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("keys: %s holds a %T, which cannot sign; use an RSA or ECDSA key", where, key)
	}
	if err := checkUsable(where, signer.Public()); err != nil {
		return nil, err
	}
	return signer, nil
}

// passphraseFor returns the passphrase from WithPassphrase or, like the
// PKCS#11 PIN, from the environment.
func passphraseFor(where string, o options) ([]byte, error) {
	if len(o.passphrase) > 0 {
		return o.passphrase, nil
	}
	if os.Getenv(EnvPassphrase) == "" && os.Getenv(EnvPassphraseFile) == "" {
		return nil, fmt.Errorf("keys: %s is encrypted and no passphrase was given; set %s, or set %s to the path of a file that holds it", where, EnvPassphrase, EnvPassphraseFile)
	}
	return PassphraseFromEnv()
}

// findKeyBlock returns the one private key PEM block in data. Other blocks
// (a certificate, openssl's "EC PARAMETERS") are skipped.
func findKeyBlock(where string, data []byte) (*pem.Block, error) {
	var key *pem.Block
	var others []string
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case pemEncryptedPKCS8, pemPKCS8, pemPKCS1, pemSEC1:
			if key != nil {
				return nil, fmt.Errorf("keys: %s holds more than one private key; keep one key per file", where)
			}
			key = b
		default:
			others = append(others, b.Type)
		}
	}
	switch {
	case key != nil:
		return key, nil
	case len(others) > 0:
		return nil, fmt.Errorf("keys: %s holds no private key (found PEM blocks: %s); check the path in the key URI", where, strings.Join(others, ", "))
	}
	return nil, fmt.Errorf("keys: %s is not a PEM key file (it may be truncated, binary DER, or another file); check the path in the key URI", where)
}

func parsePrivateKeyDER(pemType string, der []byte) (any, error) {
	var (
		key any
		err error
	)
	switch pemType {
	case pemPKCS1:
		key, err = x509.ParsePKCS1PrivateKey(der)
	case pemSEC1:
		key, err = x509.ParseECPrivateKey(der)
	default:
		key, err = x509.ParsePKCS8PrivateKey(der)
	}
	if err != nil {
		return nil, fmt.Errorf("the private key cannot be read (damaged, or a key type kyso does not support): %w", err)
	}
	return key, nil
}
