package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/keys"
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
	cmd.Flags().StringVar(&opts.DemoProvince, "demo-province", "", "which demo province --demo creates: "+strings.Join(demo.Names(), ", "))
	cmd.Flags().StringVar(&opts.AgencyName, "agency-name", "", "the root agency's official name (without --demo)")
	cmd.Flags().StringVar(&opts.AgencyCode, "agency-code", "", "the root agency's identifier code, e.g. 000.00.00.H56")
	cmd.Flags().StringVar(&opts.AgencyShortName, "agency-short-name", "", "the root agency's abbreviation in document symbols, e.g. UBND")
	cmd.Flags().StringVar(&adminPasswordFile, "admin-password-file", "", "file holding the first administrator's password (default: generated and printed)")
	cmd.Flags().StringVar(&opts.Province, "province", "", "the province named in CA subjects, e.g. Quảng Ngãi")
	cmd.Flags().StringVar(&opts.CA.RootName, "root-name", "", "common name of the root CA")
	cmd.Flags().StringVar(&opts.CA.IssuingName, "issuing-name", "", "common name of the issuing CA")
	var rootKey, issuingKey, serviceKey string
	cmd.Flags().StringVar(&rootKey, "root-key", "rsa3072", "root CA key: rsa2048, rsa3072, rsa4096, ecdsa-p256, ecdsa-p384")
	cmd.Flags().StringVar(&issuingKey, "issuing-key", "rsa2048", "issuing CA key algorithm")
	cmd.Flags().StringVar(&serviceKey, "service-key", "rsa2048", "OCSP responder and TSA key algorithm")
	var rootYears, issuingYears int
	cmd.Flags().IntVar(&rootYears, "root-years", 20, "root CA validity in years")
	cmd.Flags().IntVar(&issuingYears, "issuing-years", 10, "issuing CA validity in years")
	keyURIs := map[string]*string{}
	for _, k := range []string{"root", "issuing", "ocsp", "tsa"} {
		keyURIs[k] = cmd.Flags().String(k+"-key-uri", "", "use this existing key for the "+k+" identity (e.g. pkcs11:token=…;object=…) instead of a generated file key")
	}
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		for flag, dst := range map[string]*keys.Algorithm{"root-key": &opts.CA.RootKey, "issuing-key": &opts.CA.IssuingKey, "service-key": &opts.CA.ServiceKey} {
			v, _ := cmd.Flags().GetString(flag)
			alg, err := keys.ParseAlgorithm(v)
			if err != nil {
				return fmt.Errorf("--%s: %w", flag, err)
			}
			*dst = alg
		}
		if rootYears < 1 || rootYears > 40 || issuingYears < 1 || issuingYears >= rootYears {
			return fmt.Errorf("--root-years must be 1–40 and --issuing-years shorter than it")
		}
		opts.CA.RootLife = time.Duration(rootYears) * 365 * 24 * time.Hour
		opts.CA.IssuingLife = time.Duration(issuingYears) * 365 * 24 * time.Hour
		opts.CA.KeyURIs = map[string]string{}
		for k, v := range keyURIs {
			if *v != "" {
				opts.CA.KeyURIs[k] = *v
			}
		}
		return nil
	}
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
