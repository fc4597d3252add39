package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/store"
)

func newExchangeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "exchange", Short: "Inspect the exchange between agencies: queued, failed and refused packages"}
	status := &cobra.Command{
		Use:   "status [--data DIR] [--json] [--limit N]",
		Short: "Show the outbox, failed deliveries, rejected arrivals and (on an axis) refused submissions",
		Args:  cobra.NoArgs,
	}
	cfg := dataFlags(status)
	asJSON := status.Flags().Bool("json", false, "print as JSON")
	limit := status.Flags().Int("limit", 20, "how many entries of each list")
	status.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.FromEnv()
		a, err := openApp(cmd, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		ctx := cmd.Context()
		var rep struct {
			Outbox   map[string]int    `json:"outbox"`
			Failed   []outbox.Delivery `json:"failed_deliveries"`
			Rejected []inbox.Entry     `json:"rejected_arrivals"`
			Refused  []axis.Rejection  `json:"axis_refusals"`
		}
		if rep.Outbox, err = outbox.Counts(ctx, a.DB); err != nil {
			return err
		}
		if rep.Failed, err = outbox.List(ctx, a.DB, outbox.StatusFailed, *limit); err != nil {
			return err
		}
		if rep.Rejected, err = inbox.List(ctx, a.DB, inbox.StatusRejected, *limit); err != nil {
			return err
		}
		if rep.Refused, err = axis.Rejections(ctx, a.DB, *limit); err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if *asJSON {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		fmt.Fprintf(out, "Hàng đợi gửi (outbox): chờ gửi %d, đã gửi %d, thất bại %d\n",
			rep.Outbox[outbox.StatusPending], rep.Outbox[outbox.StatusDelivered], rep.Outbox[outbox.StatusFailed])
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		if len(rep.Failed) > 0 {
			fmt.Fprintln(tw, "\nGửi thất bại (failed deliveries; 'kyso exchange retry ID' sends again):\nID\tĐến (to)\tLần (attempts)\tLỗi (error)")
			for _, d := range rep.Failed {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", d.ID, d.To, d.Attempts, d.LastError)
			}
		}
		if len(rep.Rejected) > 0 {
			fmt.Fprintln(tw, "\nGói tin đến bị từ chối (rejected arrivals):\nNhận lúc (received)\tTừ (from)\tĐến (to)\tLý do (reason)")
			for _, e := range rep.Rejected {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.ReceivedAt.Format(time.DateTime), e.FromCode, e.ReceiverCode, e.Error)
			}
		}
		if len(rep.Refused) > 0 {
			fmt.Fprintln(tw, "\nTrục từ chối (refused by this axis; nothing of them is kept but this):\nLúc (at)\tCơ quan (client)\tMã (reason)\tChi tiết (detail)")
			for _, r := range rep.Refused {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.At.Format(time.DateTime), r.ClientCode, r.Reason, r.Detail)
			}
		}
		return tw.Flush()
	}
	retry := &cobra.Command{
		Use:   "retry ID [--data DIR]",
		Short: "Send a failed delivery again (after its receiver fixed what it reported)",
		Args:  cobra.ExactArgs(1),
	}
	rcfg := dataFlags(retry)
	retry.RunE = func(cmd *cobra.Command, args []string) error {
		rcfg.FromEnv()
		a, err := openApp(cmd, rcfg)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := outbox.Retry(cmd.Context(), a.DB, args[0]); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no failed delivery %s: see 'kyso exchange status'", args[0])
			}
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã đưa lại vào hàng đợi (queued again): %s\n", args[0])
		return nil
	}
	cmd.AddCommand(status, retry)
	return cmd
}
