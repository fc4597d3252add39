package mail

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, url string
		want      string // Config.String(), or "" when an error is expected
		wantErr   string // a part of the error
	}{
		{name: "submission with credentials", url: "smtp://kyso:s3cret@mail.example.gov.vn:587?from=kyso@example.gov.vn",
			want: "smtp://kyso:xxxxx@mail.example.gov.vn:587?from=kyso%40example.gov.vn"},
		{name: "smtp defaults to port 587", url: "smtp://mail.example.gov.vn?from=kyso@example.gov.vn",
			want: "smtp://mail.example.gov.vn:587?from=kyso%40example.gov.vn"},
		{name: "smtps defaults to port 465", url: "smtps://u:p@mail.example.gov.vn?from=kyso@example.gov.vn",
			want: "smtps://u:xxxxx@mail.example.gov.vn:465?from=kyso%40example.gov.vn"},
		{name: "a relay on this machine without AUTH", url: "smtp://127.0.0.1:25/?from=kyso@localhost.localdomain",
			want: "smtp://127.0.0.1:25?from=kyso%40localhost.localdomain"},
		{name: "an IPv6 host", url: "smtp://[::1]:2525?from=kyso@example.gov.vn",
			want: "smtp://[::1]:2525?from=kyso%40example.gov.vn"},
		{name: "a display name and helo", url: "smtp://h?from=" + "Kyso%20S%E1%BB%9F%20TT%26TT%20%3Ckyso@example.gov.vn%3E" + "&helo=kyso.example.gov.vn",
			want: "smtp://h:587?from=kyso%40example.gov.vn&helo=kyso.example.gov.vn"},
		{name: "a percent-encoded password", url: "smtp://kyso:p%40ss%3Aw%2Fd@h:587?from=a@b.vn",
			want: "smtp://kyso:xxxxx@h:587?from=a%40b.vn"},

		{name: "another scheme", url: "http://h?from=a@b.vn", wantErr: "scheme must be smtp or smtps"},
		{name: "no scheme", url: "mail.example.gov.vn:587", wantErr: "KYSO_SMTP_URL"},
		{name: "no host", url: "smtp://?from=a@b.vn", wantErr: "names no host"},
		{name: "no sender", url: "smtp://h:587", wantErr: "add ?from=ADDRESS"},
		{name: "a sender that is not an address", url: "smtp://h?from=kyso", wantErr: "not an e-mail address"},
		{name: "a port out of range", url: "smtp://u:hunter22@h:99999?from=a@b.vn", wantErr: "port must be a number"},
		{name: "a port that is not a number", url: "smtp://u:hunter22@h:abc?from=a@b.vn", wantErr: "could not be parsed"},
		{name: "a path", url: "smtp://h/inbox?from=a@b.vn", wantErr: "no path"},
		{name: "a misspelt parameter", url: "smtp://h?from=a@b.vn&frm=x", wantErr: `unknown parameter "frm"`},
		{name: "a password without a user", url: "smtp://:hunter22@h?from=a@b.vn", wantErr: "needs a user name"},
		{name: "a line break in the sender", url: "smtp://h?from=a@b.vn%0d%0aBcc:%20x@y.vn", wantErr: "line breaks"},
		{name: "a line break in the password", url: "smtp://u:hunter22%0d%0aRSET@h?from=a@b.vn", wantErr: "line breaks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseURL(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "smtp://USER:PASSWORD@HOST:587") {
					t.Errorf("the error does not show the expected form: %v", err)
				}
				if strings.Contains(err.Error(), "hunter22") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseURLFields(t *testing.T) {
	c, err := ParseURL("smtps://kyso%40example.gov.vn:p%40ss@mail.example.gov.vn?from=Kyso%20%3Ckyso@example.gov.vn%3E")
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "mail.example.gov.vn" || c.Port != "465" || !c.ImplicitTLS || c.Username != "kyso@example.gov.vn" ||
		string(c.Password) != "p@ss" || c.From.Name != "Kyso" || c.From.Address != "kyso@example.gov.vn" {
		t.Fatalf("%+v", c)
	}
}

// TestSecretDoesNotPrint: a Config printed or logged by mistake shows no
// password, whatever the verb.
func TestSecretDoesNotPrint(t *testing.T) {
	c, err := ParseURL("smtp://kyso:hunter22@h?from=a@b.vn")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	log.Info("config", "cfg", c, "password", c.Password)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", c, "password", c.Password)
	out := fmt.Sprintf("%v %+v %#v %s %q %x %v", c, c, c, c.Password, c.Password, c.Password, []any{c.Password}) + logs.String()
	if strings.Contains(out, "hunter22") || strings.Contains(out, fmt.Sprintf("%x", "hunter22")) {
		t.Fatalf("the password shows:\n%s", out)
	}
}
