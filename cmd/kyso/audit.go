package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/audit"
)

// exitError carries an exit status with a message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) ExitCode() int { return e.code }

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Work with the tamper-evident audit log"}
	verify := &cobra.Command{
		Use:   "verify [--data DIR] [--json]",
		Short: "Recompute the audit log's hash chain and report the first broken link",
		Long:  "Recompute every event's hash in order. Exit 0 when the chain holds, 1 when a link is broken.",
		Args:  cobra.NoArgs,
	}
	cfg := dataFlags(verify)
	asJSON := verify.Flags().Bool("json", false, "print the report as JSON")
	verify.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.FromEnv()
		log, _ := newLogger(cmd.ErrOrStderr(), "text")
		a, err := app.Open(cmd.Context(), *cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		rep, err := audit.Verify(cmd.Context(), a.DB)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if *asJSON {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rep)
		} else if rep.OK() {
			fmt.Fprintf(out, "Nhật ký kiểm tra nguyên vẹn: %d sự kiện, chuỗi băm khớp.\nAudit log intact: %d events, hash chain holds.\n", rep.Checked, rep.Checked)
		} else {
			fmt.Fprintf(out, "Nhật ký kiểm tra BỊ SỬA ĐỔI tại sự kiện số %d.\nAudit log BROKEN at event %d: %s\n", rep.Break.Seq, rep.Break.Seq, rep.Break.Reason)
		}
		if !rep.OK() {
			return &exitError{code: 1}
		}
		return nil
	}
	cmd.AddCommand(verify)
	return cmd
}
