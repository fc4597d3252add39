package keys

// Option adjusts how Open and GenerateInToken reach a key. Options that do
// not apply to a URI's scheme are ignored, so one option list can serve
// both file and PKCS#11 keys.
type Option func(*options)

type options struct {
	passphrase       []byte
	allowUnencrypted bool
	modulePath       string
	pin              string
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithPassphrase gives the passphrase that decrypts file keys.
func WithPassphrase(p []byte) Option {
	// Copy, so a caller that wipes its slice after Open does not race us.
	p = append([]byte(nil), p...)
	return func(o *options) { o.passphrase = p }
}

// WithPKCS11 gives the PKCS#11 module (shared library) and user PIN for
// pkcs11: URIs; an empty string leaves that value to the URI or environment.
func WithPKCS11(modulePath, pin string) Option {
	return func(o *options) {
		if modulePath != "" {
			o.modulePath = modulePath
		}
		if pin != "" {
			o.pin = pin
		}
	}
}

// AllowUnencrypted lets Open read unencrypted key files; for tests and for
// importing a key before WriteEncrypted stores it encrypted.
func AllowUnencrypted() Option {
	return func(o *options) { o.allowUnencrypted = true }
}
