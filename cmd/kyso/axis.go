package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
)

func newAxisCmd() *cobra.Command {
	var logFormat string
	var hosts []string
	cmd := &cobra.Command{
		Use:   "axis [--data DIR] [--addr HOST:PORT] [--host NAME]...",
		Short: "Serve the document exchange axis (trục liên thông) over mutual TLS",
		Long: `Serve the exchange axis on --addr (default 127.0.0.1:8443). The axis relays signed edXML
packages and status messages between agencies on different kyso deployments. Agencies
authenticate with client certificates; put the root certificate of every deployment
allowed to connect in DATA/trust (or KYSO_TRUST). An empty data directory is first
initialised with its own CA, which issues the axis's TLS certificate for --host (default:
the host of --addr); give deployments that CA ('kyso ca chain --data DIR') as KYSO_AXIS_CA.`,
		Args: cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&cfg.Addr, "addr", "127.0.0.1:8443", "address to listen on, HOST:PORT")
	cmd.Flags().StringSliceVar(&hosts, "host", nil, "DNS name or IP address the axis certificate is for (repeatable)")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.FromEnv()
		log, err := newLogger(cmd.ErrOrStderr(), logFormat)
		if err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		if len(hosts) == 0 {
			h, _, _ := net.SplitHostPort(cfg.Addr)
			if h == "" || h == "0.0.0.0" || h == "::" {
				return fmt.Errorf("--addr %s listens on every address: say which name clients use with --host", cfg.Addr)
			}
			hosts = []string{h}
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		ok, err := app.Initialized(ctx, *cfg)
		if err != nil {
			return err
		}
		if !ok {
			if err := runInit(cmd, *cfg, app.InitOptions{AgencyName: "Trục liên thông văn bản", AgencyShortName: "TRUC"}); err != nil {
				return err
			}
		}
		a, err := app.Open(ctx, *cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w (is another program using it? choose another --addr)", cfg.Addr, err)
		}
		return a.ServeAxis(ctx, ln, hosts)
	}
	return cmd
}
