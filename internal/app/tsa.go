package app

import (
	"context"
	"fmt"

	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/tsa"
)

// newTSA builds the time-stamp authority from the TSA identity kyso init
// created, signing with its own key and sending the chain with tokens.
func (a *App) newTSA(ctx context.Context) error {
	id := a.PKI.Identity(pki.KindTSA)
	if id == nil {
		return nil
	}
	signer, err := a.PKI.Signer(ctx, id)
	if err != nil {
		return err
	}
	t, err := tsa.New(id.Cert, a.PKI.Chain(), signer, tsa.WithLogger(a.Log))
	if err != nil {
		return fmt.Errorf("time-stamp authority: %w", err)
	}
	a.TSA = t
	return nil
}
