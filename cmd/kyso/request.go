package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/ra"
)

// The registration workflow from the server's shell, for operators: the
// same requests and decisions as the web pages, audited as "cli:USER".
func newRequestCmds() []*cobra.Command {
	return []*cobra.Command{newCertRequestCmd(), newCertRequestsCmd(), newCertDecideCmd(true), newCertDecideCmd(false)}
}

func newCertRequestCmd() *cobra.Command {
	var kind, agencyCode, profile, username, csrPath, serial, reason, identity, note string
	var serverKey bool
	cmd := &cobra.Command{
		Use:   "request --kind new|renew|change|suspend|resume|revoke --agency CODE …",
		Short: "File a registration request (it waits for approval: kyso cert approve ID)",
		Args:  cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", "new, renew, change, suspend, resume or revoke (required)")
	f.StringVar(&agencyCode, "agency", "", "identifier code of the agency (required)")
	f.StringVar(&profile, "profile", "personal", "for new: personal or organization")
	f.StringVar(&username, "user", "", "for a new personal certificate: the holder's username")
	f.StringVar(&csrPath, "csr", "", "PKCS#10 request made on the holder's token")
	f.BoolVar(&serverKey, "server-key", false, "have kyso generate and keep the key (remote signing)")
	f.StringVar(&serial, "serial", "", "for renew, change, suspend, resume, revoke: the certificate")
	f.StringVar(&reason, "reason", "", "for revoke: RFC 5280 reason name")
	f.StringVar(&identity, "identity-number", "", "the holder's CCCD number")
	f.StringVar(&note, "note", "", "a note for the approver")
	_ = cmd.MarkFlagRequired("kind")
	_ = cmd.MarkFlagRequired("agency")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		in := ra.Input{Kind: ra.Kind(kind), Profile: pki.Profile(profile), ServerKey: serverKey, TargetSerial: serial, Reason: reason, IdentityNumber: identity, Note: note}
		if csrPath != "" {
			b, err := os.ReadFile(csrPath)
			if err != nil {
				return fmt.Errorf("--csr: %w", err)
			}
			in.CSR = string(b)
		}
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		ag, err := a.Org.AgencyByCode(cmd.Context(), agencyCode)
		if err != nil {
			return err
		}
		in.AgencyID = ag.ID
		if username != "" {
			u, _, err := a.Org.UserByUsername(cmd.Context(), username)
			if err != nil {
				return err
			}
			in.SubjectUserID = u.ID
		}
		r, err := a.RA.File(cmd.Context(), cliActor(), in)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã lập đề nghị (filed) %s: %s %s\nPhê duyệt (approve): kyso cert approve %s\n", r.ID, r.Kind, r.Subject.CommonName, r.ID)
		return nil
	}
	return cmd
}

func newCertRequestsCmd() *cobra.Command {
	var state string
	cmd := &cobra.Command{Use: "requests [--state pending|done|rejected]", Short: "List registration requests, pending first", Args: cobra.NoArgs}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&state, "state", "", "only this state")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch ra.State(state) {
		case "", ra.StatePending, ra.StateDone, ra.StateRejected:
		default:
			return fmt.Errorf("--state %q: use pending, done or rejected", state)
		}
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.RA.List(cmd.Context(), cliActor(), ra.State(state))
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tSTATE\tSUBJECT\tFILED BY")
		for _, r := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.State, r.Subject.CommonName, r.RequestedName)
		}
		return tw.Flush()
	}
	return cmd
}

func newCertDecideCmd(approve bool) *cobra.Command {
	use, short := "approve ID [--note TEXT]", "Approve a request and carry it out"
	if !approve {
		use, short = "reject ID --note REASON", "Reject a request, with the reason"
	}
	var note string
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1)}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&note, "note", "", "the decision's note (required to reject)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		var r *ra.Request
		actor := cliActor()
		if approve {
			r, err = a.RA.Approve(cmd.Context(), actor, args[0], note)
		} else {
			r, err = a.RA.Reject(cmd.Context(), actor, args[0], note)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: %s", r.ID, r.State)
		if r.ResultSerial != "" {
			fmt.Fprintf(cmd.OutOrStdout(), ", certificate %s", r.ResultSerial)
		}
		fmt.Fprintln(cmd.OutOrStdout())
		return nil
	}
	return cmd
}
