package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
)

func newInitCmd() *cobra.Command {
	var opts app.InitOptions
	var adminPasswordFile string
	cmd := &cobra.Command{
		Use:   "init [--data DIR] [--demo]",
		Short: "Create a new installation: data directory, database, first administrator",
		Long: `Create a new installation in --data (default ./kyso-data), or in the PostgreSQL
database named by KYSO_DATABASE_URL. It refuses, changing nothing, when one is already there.
--demo adds a demo province with users of every role and prints their passwords.`,
		Args: cobra.NoArgs,
	}
	cfg := dataFlags(cmd)
	cmd.Flags().BoolVar(&opts.Demo, "demo", false, "add a demo province: agencies, departments, users of every role")
	cmd.Flags().StringVar(&opts.AgencyName, "agency-name", "", "the root agency's official name (without --demo)")
	cmd.Flags().StringVar(&opts.AgencyCode, "agency-code", "", "the root agency's identifier code, e.g. 000.00.00.H56")
	cmd.Flags().StringVar(&opts.AgencyShortName, "agency-short-name", "", "the root agency's abbreviation in document symbols, e.g. UBND")
	cmd.Flags().StringVar(&adminPasswordFile, "admin-password-file", "", "file holding the first administrator's password (default: generated and printed)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.FromEnv()
		if adminPasswordFile != "" {
			b, err := os.ReadFile(adminPasswordFile)
			if err != nil {
				return fmt.Errorf("--admin-password-file: %w", err)
			}
			opts.AdminPassword = string(trimNewline(b))
		}
		return runInit(cmd, *cfg, opts)
	}
	return cmd
}

func runInit(cmd *cobra.Command, cfg app.Config, opts app.InitOptions) error {
	creds, err := app.Init(cmd.Context(), cfg, opts)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Đã khởi tạo kyso tại %s (kyso initialised in %s).\n", cfg.DataDir, cfg.DataDir)
	printCredentials(out, creds)
	if opts.Demo {
		path := filepath.Join(cfg.DataDir, "demo-credentials.txt")
		if err := writeCredentials(path, creds); err == nil {
			fmt.Fprintf(out, "\nDanh sách này được lưu tại %s (also saved there).\n", path)
		}
	}
	fmt.Fprintf(out, "\nChạy (run): kyso serve --data %s\n", cfg.DataDir)
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
