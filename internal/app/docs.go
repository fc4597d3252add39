package app

import (
	"context"

	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate"
)

// InitDocs builds the documents service from the App's parts; Open calls
// it once the CA is open, and tests that assemble an App call it too.
func (a *App) InitDocs() {
	a.Docs = docs.New(docs.Options{
		DB: a.DB, Blobs: a.Blobs, Org: a.Org, PKI: a.PKI, Log: a.Log,
		Validate: func(ctx context.Context, data []byte) (*validate.Report, error) {
			return a.Validator(i18n.VI).PDF(ctx, data)
		},
	})
}
