package main

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
)

// openApp opens the installation for a CLI command that runs on the server.
func openApp(cmd *cobra.Command, cfg *app.Config) (*app.App, error) {
	cfg.FromEnv()
	log, _ := newLogger(cmd.ErrOrStderr(), "text")
	return app.Open(cmd.Context(), *cfg, log)
}

// cliActor is the actor of commands typed on the server: trusted, and named
// in the audit log by the operating-system user.
func cliActor() *org.Actor {
	name := "cli"
	if u := os.Getenv("USER"); u != "" {
		name = "cli:" + u
	}
	return org.SystemActor(name)
}

func newCACmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ca", Short: "The certificate authority's own certificates"}
	chain := &cobra.Command{Use: "chain [--data DIR]", Short: "Print the issuing CA and root certificates (PEM)", Args: cobra.NoArgs}
	cfg := dataFlags(chain)
	chain.RunE = func(cmd *cobra.Command, _ []string) error {
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		for _, c := range a.PKI.Chain() {
			if err := pem.Encode(cmd.OutOrStdout(), &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
				return err
			}
		}
		return nil
	}
	cmd.AddCommand(chain)
	return cmd
}

func newCertCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "cert", Short: "Issue, revoke, suspend and list certificates"}
	cmd.AddCommand(newCertIssueCmd(), newCertRevokeCmd(), newCertStatusCmd("suspend"), newCertStatusCmd("resume"), newCertListCmd())
	cmd.AddCommand(newRequestCmds()...)
	return cmd
}

func newCertIssueCmd() *cobra.Command {
	var csrPath, profile, out, agencyCode, cn string
	var days int
	cmd := &cobra.Command{
		Use:   "issue --csr FILE --profile personal|organization|ocsp|tsa|service --out FILE",
		Short: "Issue a certificate from a PKCS#10 request",
		Long: `Issue a certificate from a CSR. The subject is taken from the CSR unless --cn is given.
--agency links the certificate to an agency by its identifier code (for the inventory).
The output file is written only when issuance succeeded.`,
		Args: cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&csrPath, "csr", "", "PKCS#10 request, PEM or DER (required)")
	cmd.Flags().StringVar(&profile, "profile", "", "certificate profile: personal, organization, ocsp, tsa, service (required)")
	cmd.Flags().StringVar(&out, "out", "", "where to write the certificate, PEM (required)")
	cmd.Flags().StringVar(&agencyCode, "agency", "", "identifier code of the holder's agency, e.g. 000.00.31.H56")
	cmd.Flags().StringVar(&cn, "cn", "", "override the subject's common name")
	cmd.Flags().IntVar(&days, "days", 0, "validity in days (default: the profile's)")
	for _, f := range []string{"csr", "profile", "out"} {
		_ = cmd.MarkFlagRequired(f)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		p, err := pki.ParseProfile(profile)
		if err != nil {
			return err
		}
		csr, err := os.ReadFile(csrPath)
		if err != nil {
			return fmt.Errorf("--csr: %w", err)
		}
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("--out %s exists; choose another file (kyso never overwrites)", out)
		}
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		req := pki.IssueRequest{Profile: p, CSR: csr, Validity: time.Duration(days) * 24 * time.Hour}
		if agencyCode != "" {
			ag, err := a.Org.AgencyByCode(cmd.Context(), agencyCode)
			if err != nil {
				return err
			}
			req.AgencyID = ag.ID
		}
		if cn != "" {
			parsed, err := pki.ParseCSR(csr)
			if err != nil {
				return err
			}
			req.Subject = pki.SubjectFromCSR(parsed)
			req.Subject.CommonName = cn
		}
		c, err := a.PKI.Issue(cmd.Context(), cliActor(), req)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER})); err != nil {
			return fmt.Errorf("certificate %s was issued but could not be written: %w", c.Serial, err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã cấp chứng thư số (issued) %s\n  serial  %s\n  subject %s\n  valid   %s – %s\n",
			out, c.Serial, c.Subject, c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339))
		return nil
	}
	return cmd
}

func newCertRevokeCmd() *cobra.Command {
	var serial, reason string
	cmd := &cobra.Command{
		Use:   "revoke --serial HEX --reason REASON",
		Short: "Revoke a certificate (RFC 5280 reason names: keyCompromise, affiliationChanged, superseded, cessationOfOperation, …)",
		Args:  cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&serial, "serial", "", "serial number, hexadecimal (required)")
	cmd.Flags().StringVar(&reason, "reason", "unspecified", "revocation reason")
	_ = cmd.MarkFlagRequired("serial")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		r, err := pki.ParseReason(reason)
		if err != nil {
			return err
		}
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		c, err := a.PKI.Revoke(cmd.Context(), cliActor(), serial, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi (revoked) %s: %s, reason %s\n", c.Serial, c.Subject, r)
		return nil
	}
	return cmd
}

func newCertStatusCmd(action string) *cobra.Command {
	var serial string
	cmd := &cobra.Command{Use: action + " --serial HEX", Short: map[string]string{"suspend": "Suspend a certificate (certificateHold)", "resume": "Lift a suspension"}[action], Args: cobra.NoArgs}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&serial, "serial", "", "serial number, hexadecimal (required)")
	_ = cmd.MarkFlagRequired("serial")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		var c *pki.Certificate
		if action == "suspend" {
			c, err = a.PKI.Suspend(cmd.Context(), cliActor(), serial)
		} else {
			c, err = a.PKI.Resume(cmd.Context(), cliActor(), serial)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: %s is now %s\n", action, c.Serial, c.Status)
		return nil
	}
	return cmd
}

func newCertListCmd() *cobra.Command {
	var asJSON bool
	var status, profile string
	cmd := &cobra.Command{Use: "list [--json]", Short: "List issued certificates, newest first", Args: cobra.NoArgs}
	cfg := dataFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&status, "status", "", "only active, suspended or revoked")
	cmd.Flags().StringVar(&profile, "profile", "", "only this profile")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f := pki.Filter{Status: pki.Status(status), Limit: 10000}
		if profile != "" {
			p, err := pki.ParseProfile(profile)
			if err != nil {
				return err
			}
			f.Profile = p
		}
		switch f.Status {
		case "", pki.StatusActive, pki.StatusSuspended, pki.StatusRevoked:
		default:
			return fmt.Errorf("--status %q: use active, suspended or revoked", status)
		}
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.PKI.List(cmd.Context(), f)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if asJSON {
			if list == nil {
				list = []*pki.Certificate{}
			}
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(list)
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SERIAL\tPROFILE\tSTATUS\tNOT AFTER\tSUBJECT")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Serial, c.Profile, c.Status, c.NotAfter.Format("2006-01-02"), c.CommonName)
		}
		return tw.Flush()
	}
	return cmd
}

// writeFileAtomic writes data to path through a temporary file and a rename,
// refusing to replace an existing file, so that a failure leaves nothing.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Link fails if path exists, unlike Rename.
	return os.Link(tmp.Name(), path)
}
