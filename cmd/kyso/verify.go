package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/fetch"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/validate"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

func newVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify FILE [--trust PEM]... [--json | --html OUT] [--lang en]",
		Short: "Validate the signatures of a PDF, or a CMS signature (.p7s) and the file it signs",
		Long: `Validate every signature and document time-stamp of a signed PDF, or a CMS
signature: FILE.p7s beside FILE (or --content), or an encapsulating .p7m.

Trusted: the root CA of the kyso installation in --data (when there is one), its
trust/ folder, KYSO_TRUST, and every --trust file or folder (PEM or DER).
Revocation is checked in real time (OCSP, then CRL) unless --offline; data
embedded in the document is used first.

Exit status: 0 every signature is valid (TOTAL-PASSED), 1 any is invalid or the
file has no signature or cannot be read, 2 any is indeterminate (none invalid).`,
		Args: cobra.ExactArgs(1),
	}
	cfg := dataFlags(cmd)
	trust := cmd.Flags().StringArray("trust", nil, "trusted CA certificates: a PEM/DER file or a folder (repeatable)")
	asJSON := cmd.Flags().Bool("json", false, "print the report as JSON")
	htmlOut := cmd.Flags().String("html", "", "also write the report as a printable HTML page to this file")
	lang := cmd.Flags().String("lang", "vi", "language of the report: vi or en")
	content := cmd.Flags().String("content", "", "the signed file, for a detached CMS signature")
	offline := cmd.Flags().Bool("offline", false, "use only revocation data embedded in the file; fetch nothing")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := i18n.Parse(*lang)
		v, err := verifier(cmd, cfg, *trust, *offline, l)
		if err != nil {
			return err
		}
		file := args[0]
		data, detached, err := readVerifyInput(file, *content)
		if err != nil {
			return &exitError{code: 1, msg: err.Error()}
		}
		rep, err := v.File(cmd.Context(), data, detached)
		if err != nil {
			return &exitError{code: 1, msg: verifyErrorMessage(l, file, err)}
		}
		rep.FileName = filepath.Base(file)
		out := cmd.OutOrStdout()
		if *asJSON {
			rep.Localize(l)
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else if err := rep.WriteText(out, l); err != nil {
			return err
		}
		if *htmlOut != "" {
			var b strings.Builder
			if err := rep.WriteHTML(&b, l); err != nil {
				return err
			}
			if err := writeFileAtomic(*htmlOut, []byte(b.String())); err != nil {
				return err
			}
		}
		if code := rep.ExitCode(); code != 0 {
			return &exitError{code: code}
		}
		return nil
	}
	return cmd
}

// verifier builds the validator: the installation's anchors when --data
// holds one, plus --trust.
func verifier(cmd *cobra.Command, cfg *app.Config, trust []string, offline bool, lang i18n.Lang) (*validate.Validator, error) {
	anchors, err := validate.LoadAnchors(trust...)
	if err != nil {
		return nil, err
	}
	if _, statErr := os.Stat(cfg.DataDir); statErr == nil {
		cfg.FromEnv()
		a, err := app.Open(cmd.Context(), *cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		switch {
		case err == nil:
			anchors = append(anchors, a.TrustAnchors()...)
			a.Close()
		case errors.Is(err, app.ErrNotInitialized):
		default:
			return nil, fmt.Errorf("open %s for its trust anchors: %w (use --data to point elsewhere)", cfg.DataDir, err)
		}
	}
	if extra, err := validate.LoadAnchors(filepath.SplitList(os.Getenv("KYSO_TRUST"))...); err == nil {
		anchors = append(anchors, extra...)
	} else if os.Getenv("KYSO_TRUST") != "" {
		return nil, fmt.Errorf("KYSO_TRUST: %w", err)
	}
	o := validate.Options{Anchors: anchors, Cache: &revocation.Cache{}, Lang: lang}
	if !offline {
		o.Client = fetch.NewClient(15 * time.Second)
	}
	return validate.New(o), nil
}

// readVerifyInput reads FILE and, for a detached signature, the file it
// signs: --content, or FILE without its .p7s/.sig extension. A data file
// with FILE.p7s beside it is validated through that signature.
func readVerifyInput(file, content string) (data, detached []byte, err error) {
	data, err = readLimited(file)
	if err != nil {
		return nil, nil, err
	}
	if content == "" && !validate.IsPDF(data) {
		ext := strings.ToLower(filepath.Ext(file))
		switch {
		case ext == ".p7s" || ext == ".sig":
			if base := strings.TrimSuffix(file, filepath.Ext(file)); fileExists(base) {
				content = base
			}
		case fileExists(file + ".p7s"):
			sig, err := readLimited(file + ".p7s")
			if err != nil {
				return nil, nil, err
			}
			return sig, data, nil
		}
	}
	if content != "" {
		if detached, err = readLimited(content); err != nil {
			return nil, nil, err
		}
	}
	return data, detached, nil
}

func readLimited(file string) ([]byte, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if st.Size() > validate.MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d bytes kyso validates", file, st.Size(), validate.MaxFileSize)
	}
	return os.ReadFile(file)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// verifyErrorMessage says in the user's language why nothing was judged.
func verifyErrorMessage(lang i18n.Lang, file string, err error) string {
	key := "verify.err.unreadable"
	if errors.Is(err, validate.ErrNoSignature) {
		key = "verify.err.no_signature"
	}
	return fmt.Sprintf("%s: %s (%v)", file, i18n.T(lang, key), err)
}
