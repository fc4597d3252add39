package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/web"
)

func newServeCmd() *cobra.Command {
	var demoFlag bool
	var logFormat, demoProvince string
	cmd := &cobra.Command{
		Use:   "serve [--data DIR] [--addr HOST:PORT]",
		Short: "Serve the web interface, the JSON API, OCSP, CRLs and time-stamps",
		Long: `Serve everything on --addr (default 127.0.0.1:8080). With --demo, an empty or missing
data directory is first initialised with the demo province, so one command is enough to try kyso.`,
		Args: cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	cmd.Flags().StringVar(&cfg.Addr, "addr", app.DefaultAddr, "address to listen on, HOST:PORT")
	cmd.Flags().BoolVar(&demoFlag, "demo", false, "initialise a demo province first when the data directory holds no installation")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	cmd.Flags().StringVar(&cfg.AxisURL, "axis", "", "exchange axis to send documents to and pull them from, https://HOST:PORT (KYSO_AXIS_URL)")
	cmd.Flags().StringVar(&cfg.AxisCAFile, "axis-ca", "", "PEM file of the CA the axis's TLS certificate chains to (KYSO_AXIS_CA)")
	cmd.Flags().StringVar(&demoProvince, "demo-province", "", "which demo province --demo creates: "+strings.Join(demo.Names(), ", "))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.FromEnv()
		log, err := newLogger(cmd.ErrOrStderr(), logFormat)
		if err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if demoFlag {
			ok, err := app.Initialized(ctx, *cfg)
			if err != nil {
				return err
			}
			if !ok {
				if err := runInit(cmd, *cfg, app.InitOptions{Demo: true, DemoProvince: demoProvince}); err != nil {
					return err
				}
			}
		}
		a, err := app.Open(ctx, *cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		return serve(ctx, a)
	}
	return cmd
}

func serve(ctx context.Context, a *app.App) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another program using it? choose another --addr)", a.Config.Addr, err)
	}
	h, err := web.New(a)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	go a.RunBackground(ctx)
	go func() {
		if err := a.RunExchange(ctx); err != nil {
			a.Log.Error("exchange stopped", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("kyso is serving", "url", "http://"+ln.Addr().String(), "data", a.Config.DataDir, "database", a.DB.Dialect().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
