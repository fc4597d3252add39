package app

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/fetch"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

// TrustDir is the folder of the data directory whose certificates (PEM or
// DER) are trusted for validation beside this kyso's own root: the national
// root CA of the government PKI, other provinces' CAs.
const TrustDir = "trust"

// validation is what every validation of this App shares: the trust
// anchors, one revocation cache and one HTTP client.
type validation struct {
	anchors []*x509.Certificate
	cache   *revocation.Cache
	opts    validate.Options
}

// loadTrust reads the trust anchors: this kyso's root CA, DATA/trust and
// the files or folders in KYSO_TRUST (separated by the OS list separator).
func (a *App) loadTrust() error {
	var anchors []*x509.Certificate
	if a.PKI != nil {
		if chain := a.PKI.Chain(); len(chain) > 0 {
			anchors = append(anchors, chain[len(chain)-1])
		}
	}
	var paths []string
	if dir := filepath.Join(a.Config.DataDir, TrustDir); a.Config.DataDir != "" {
		if _, err := os.Stat(dir); err == nil {
			paths = append(paths, dir)
		}
	}
	for _, p := range filepath.SplitList(os.Getenv("KYSO_TRUST")) {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	extra, err := validate.LoadAnchors(paths...)
	if err != nil {
		return err
	}
	a.validation = &validation{
		anchors: append(anchors, extra...),
		cache:   &revocation.Cache{},
	}
	a.validation.opts = validate.Options{
		Anchors: a.validation.anchors,
		Client:  fetch.NewClient(10 * time.Second),
		Cache:   a.validation.cache,
	}
	return nil
}

// Validator returns a signature validator that answers in lang.
func (a *App) Validator(lang i18n.Lang) *validate.Validator {
	a.validationMu.Lock()
	defer a.validationMu.Unlock()
	if a.validation == nil {
		if err := a.loadTrust(); err != nil {
			a.Log.Error("trust anchors", "err", err)
			a.validation = &validation{cache: &revocation.Cache{}}
			a.validation.opts = validate.Options{Client: fetch.NewClient(10 * time.Second), Cache: a.validation.cache}
		}
	}
	o := a.validation.opts
	o.Lang = lang
	return validate.New(o)
}

// TrustAnchors returns the certificates validation trusts.
func (a *App) TrustAnchors() []*x509.Certificate {
	a.Validator(i18n.Default)
	a.validationMu.Lock()
	defer a.validationMu.Unlock()
	return a.validation.anchors
}
