package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/i18n"
)

// dataFlags adds --data to cmd and returns the config it fills.
func dataFlags(cmd *cobra.Command) *app.Config {
	cfg := &app.Config{}
	cmd.Flags().StringVar(&cfg.DataDir, "data", app.DefaultDataDir, "data directory (database, files, keys)")
	return cfg
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

// printCredentials shows the logins init created, once.
func printCredentials(w io.Writer, creds []app.Credential) {
	if len(creds) == 0 {
		return
	}
	fmt.Fprintln(w, "\nTài khoản đã tạo (Accounts created) — mật khẩu chỉ hiện một lần (passwords are shown once):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  Tên đăng nhập\tMật khẩu\tVai trò\tHọ và tên\tCơ quan")
	for _, c := range creds {
		roles := make([]string, len(c.Roles))
		for i, r := range c.Roles {
			roles[i] = i18n.T(i18n.VI, r.I18nKey())
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Username, c.Password, strings.Join(roles, ", "), c.FullName, c.Agency)
	}
	tw.Flush()
	for _, c := range creds {
		if c.Note != "" {
			fmt.Fprintln(w, "\nLưu ý (note):", c.Note)
		}
	}
}

// writeCredentials keeps the demo logins in the data directory, readable by
// the operator only, so they can be looked up after the first start.
func writeCredentials(path string, creds []app.Credential) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	printCredentials(f, creds)
	return f.Close()
}
