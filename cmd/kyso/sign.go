package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
)

func newSignCmd() *cobra.Command {
	var in, out, p12, pass, keyFile, certFile, pkcs11URI, level, tsaURL, visible, image, seal, reason, location, stamp string
	cmd := &cobra.Command{
		Use:   "sign --in IN.pdf --out OUT.pdf (--p12 F --pass P | --key F --cert F | --pkcs11 URI --cert F)",
		Short: "Sign a PDF (PAdES B-B or B-T), optionally with a visible signature",
		Long: `Sign a PDF as a PAdES baseline signature, appended as an incremental update so that
earlier signatures stay valid. --visible PAGE:X,Y,W,H places a visible signature (points from the
bottom-left of the page); with --image it shows the handwritten signature (transparent PNG),
with --seal the agency's seal. --stamp "Số: 05/QĐ-UBND" instead writes the attachment stamp
(number and signing time, top right of page 1, or of --visible's page).
OUT is written only when signing succeeded, and never replaces an existing file.`,
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "the PDF to sign (required)")
	f.StringVar(&out, "out", "", "where to write the signed PDF (required)")
	f.StringVar(&p12, "p12", "", "PKCS#12 file with the key and certificate")
	f.StringVar(&pass, "pass", "", "the PKCS#12 password (or KYSO_P12_PASSWORD)")
	f.StringVar(&keyFile, "key", "", "private key file (PEM)")
	f.StringVar(&certFile, "cert", "", "certificate file (PEM, chain after the certificate)")
	f.StringVar(&pkcs11URI, "pkcs11", "", "key in a PKCS#11 token, e.g. 'pkcs11:token=…;object=…' (with --cert)")
	f.StringVar(&level, "level", "B-B", "PAdES level: B-B, B-T, B-LT (adds OCSP/CRL data) or B-LTA (adds a document time-stamp)")
	f.StringVar(&tsaURL, "tsa", "", "RFC 3161 time-stamp authority URL (for B-T), e.g. kyso's own /tsa")
	f.StringVar(&visible, "visible", "", "PAGE:X,Y,W,H of a visible signature")
	f.StringVar(&image, "image", "", "handwritten signature image (PNG with transparency)")
	f.StringVar(&seal, "seal", "", "agency seal image (red, PNG with transparency)")
	f.StringVar(&stamp, "stamp", "", "attachment stamp text, e.g. 'Số: 05/QĐ-UBND'")
	f.StringVar(&reason, "reason", "", "reason for signing")
	f.StringVar(&location, "location", "", "place of signing")
	_ = cmd.MarkFlagRequired("in")
	_ = cmd.MarkFlagRequired("out")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		lvl, err := pades.ParseLevel(level)
		if err != nil {
			return err
		}
		o := pades.Options{Level: lvl, Reason: reason, Location: location}
		if tsaURL != "" {
			o.TSA = pades.HTTPTimeStamper(tsaURL, nil)
		}
		if o.Appearance, err = appearanceFlags(visible, image, seal, stamp); err != nil {
			return err
		}
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("--out %s exists; choose another file (kyso never overwrites a signed file)", out)
		}
		if pass == "" {
			pass = os.Getenv("KYSO_P12_PASSWORD")
		}
		id, err := loadIdentity(cmd, p12, pass, keyFile, certFile, pkcs11URI)
		if err != nil {
			return err
		}
		file, err := os.Open(in)
		if err != nil {
			return fmt.Errorf("--in: %w", err)
		}
		defer file.Close()
		if err := pades.Sign(cmd.Context(), file, out, id, o); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã ký (signed) %s: %s, %s\n", out, id.Cert.Subject.CommonName, lvl)
		return nil
	}
	return cmd
}

func loadIdentity(cmd *cobra.Command, p12, pass, keyFile, certFile, pkcs11URI string) (*keys.Identity, error) {
	switch {
	case p12 != "" && keyFile == "" && pkcs11URI == "":
		data, err := os.ReadFile(p12)
		if err != nil {
			return nil, fmt.Errorf("--p12: %w", err)
		}
		return keys.LoadPKCS12(data, pass)
	case keyFile != "" && certFile != "" && p12 == "" && pkcs11URI == "":
		k, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		c, err := os.ReadFile(certFile)
		if err != nil {
			return nil, fmt.Errorf("--cert: %w", err)
		}
		return keys.LoadPEM(k, c, keys.WithPassphrase([]byte(pass)))
	case pkcs11URI != "" && certFile != "" && p12 == "" && keyFile == "":
		signer, err := keys.Open(cmd.Context(), pkcs11URI)
		if err != nil {
			return nil, err
		}
		c, err := os.ReadFile(certFile)
		if err != nil {
			return nil, fmt.Errorf("--cert: %w", err)
		}
		certs, err := keys.ParseCertificates(c)
		if err != nil {
			return nil, err
		}
		return keys.NewIdentity(signer, certs[0], certs[1:])
	}
	return nil, errors.New("give the key one way: --p12 FILE --pass P, or --key FILE --cert FILE, or --pkcs11 URI --cert FILE")
}

// appearanceFlags reads --visible PAGE:X,Y,W,H and the image flags.
func appearanceFlags(visible, image, seal, stamp string) (*pades.Appearance, error) {
	if visible == "" && stamp == "" {
		if image != "" || seal != "" {
			return nil, errors.New("--image and --seal need --visible PAGE:X,Y,W,H")
		}
		return nil, nil
	}
	a := &pades.Appearance{Kind: pades.KindSigner, Page: 1}
	if visible != "" {
		page, rest, ok := strings.Cut(visible, ":")
		nums := strings.Split(rest, ",")
		p, perr := strconv.Atoi(page)
		if !ok || perr != nil || p < 1 || len(nums) != 4 {
			return nil, fmt.Errorf("--visible %q: use PAGE:X,Y,W,H, e.g. 1:350,500,160,90", visible)
		}
		var v [4]float64
		for i, n := range nums {
			x, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil || x < 0 || x > 14400 {
				return nil, fmt.Errorf("--visible %q: %q is not a number of points", visible, n)
			}
			v[i] = x
		}
		a.Page, a.Rect = p, pades.Rect{X: v[0], Y: v[1], W: v[2], H: v[3]}
	}
	read := func(flag, path string) ([]byte, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--%s: %w", flag, err)
		}
		return b, nil
	}
	var err error
	switch {
	case stamp != "":
		a.Kind, a.Lines = pades.KindStamp, []string{stamp}
	case seal != "":
		a.Kind = pades.KindSeal
		a.Image, err = read("seal", seal)
	case image != "":
		a.Image, err = read("image", image)
	}
	return a, err
}
