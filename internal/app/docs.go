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
	validatePDF := func(ctx context.Context, data []byte) (*validate.Report, error) {
		return a.Validator(i18n.VI).PDF(ctx, data)
	}
	a.exchange = a.newExchange()
	o := docs.Options{
		DB: a.DB, Blobs: a.Blobs, Org: a.Org, PKI: a.PKI, Log: a.Log,
		Validate: validatePDF,
		Report:   a.exchange.bridge.Report,
	}
	if a.Config.axisConfigured() {
		// Without an axis, documents for agencies elsewhere are refused
		// at issue, before a number is taken.
		o.Send = a.exchange.bridge.Send
		o.Recall = a.exchange.bridge.Recall
	}
	a.Docs = docs.New(o)
	a.exchange.bridge.Docs = a.Docs
	a.exchange.bridge.Validate = validatePDF
}
