package tsa

import (
	"context"
	"crypto/rand"
	"math/big"
)

// maxSerialBits is the longest serial number an Authority issues: RFC 3161
// §2.4.2 only obliges requesters to handle integers up to 160 bits.
const maxSerialBits = 160

// SerialSource hands out TSTInfo serial numbers, which RFC 3161 §2.1 item 3
// and §2.4.2 require to be unique for every token a TSA issues.
type SerialSource interface {
	// Next returns a positive integer of at most 160 bits never returned
	// before by this source.
	Next(ctx context.Context) (*big.Int, error)
}

// RandomSerials returns the default SerialSource: 128-bit random positive
// integers. They need no coordination between nodes or restarts and repeat
// with probability about n²/2^129 after n tokens, i.e. never in practice.
func RandomSerials() SerialSource { return randomSerials{} }

type randomSerials struct{}

// Next implements SerialSource.
func (randomSerials) Next(ctx context.Context) (*big.Int, error) {
	var b [16]byte
	for {
		// crypto/rand.Read never fails since Go 1.24; it aborts the
		// program if the kernel's generator is unavailable.
		_, _ = rand.Read(b[:])
		n := new(big.Int).SetBytes(b[:])
		if n.Sign() > 0 { // zero is not a positive serial; 2^-128 odds
			return n, nil
		}
	}
}
