// Command kyso is the whole platform in one binary: run `kyso --help`.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// exitCoder lets a command choose its exit status (kyso verify: 1 invalid,
// 2 indeterminate).
type exitCoder interface{ ExitCode() int }

func main() {
	root := newRootCmd()
	err := root.Execute()
	if err == nil {
		return
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "kyso:", msg)
		}
		os.Exit(ec.ExitCode())
	}
	fmt.Fprintln(os.Stderr, "kyso:", err)
	if isUsageError(err) {
		fmt.Fprintln(os.Stderr, "Run 'kyso --help' or 'kyso COMMAND --help' for usage.")
		os.Exit(2)
	}
	os.Exit(1)
}

func isUsageError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires "} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "kyso",
		Short: "kyso — ký số: certificates, signing, validation, documents and exchange for state agencies",
		Long: `kyso ("ký số") runs a government digital-signature platform in one program:
a certificate authority with OCSP, CRL and time-stamping, PAdES signing of official
documents, validation of signed documents, document and work-record management, and
exchange between agencies.

Start with:  kyso serve --demo   (creates ./kyso-data with a demo province, then serves)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(newInitCmd(), newServeCmd(), newAxisCmd(), newExchangeCmd(), newCACmd(), newCertCmd(), newSignCmd(), newVerifyCmd(), newAuditCmd(), newVersionCmd())
	return root
}
