package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// run executes the CLI in-process and returns stdout+stderr and the error.
func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// snapshot lists every file under dir with its size and content, to prove
// that a refused command changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			files[p] = string(b)
		}
		return nil
	})
	return files
}

func TestInitRefusesASecondTime(t *testing.T) {
	t.Setenv("KYSO_DATABASE_URL", "")
	dir := filepath.Join(t.TempDir(), "data")
	out, err := run(t, nil, "init", "--data", dir)
	if err != nil {
		t.Fatalf("first init: %v\n%s", err, out)
	}
	if !strings.Contains(out, "admin") {
		t.Fatalf("first init printed no admin login:\n%s", out)
	}
	before := snapshot(t, dir)
	out, err = run(t, nil, "init", "--data", dir, "--demo")
	if err == nil || !strings.Contains(err.Error(), "already holds a kyso installation") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("second init: %v\n%s", err, out)
	}
	after := snapshot(t, dir)
	if len(before) != len(after) {
		t.Fatalf("files changed: %d before, %d after", len(before), len(after))
	}
	for p, c := range before {
		if after[p] != c {
			t.Errorf("%s changed", p)
		}
	}
}

func TestInitBadInputChangesNothing(t *testing.T) {
	t.Setenv("KYSO_DATABASE_URL", "")
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	nonEmpty := filepath.Join(base, "not-empty")
	_ = os.Mkdir(nonEmpty, 0o750)
	_ = os.WriteFile(filepath.Join(nonEmpty, "notes.txt"), []byte("mine"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"an unknown flag", nil, []string{"init", "--data", filepath.Join(base, "d1"), "--colour"}, "unknown flag: --colour"},
		{"a data directory that cannot be created", nil, []string{"init", "--data", filepath.Join(file, "data")}, "not a directory"},
		{"a non-empty directory that is not kyso's", nil, []string{"init", "--data", nonEmpty}, "not empty"},
		{"a malformed database URL", map[string]string{"KYSO_DATABASE_URL": "postgres://u:secret@host:notaport/db"}, []string{"init", "--data", filepath.Join(base, "d2")}, "KYSO_DATABASE_URL"},
		{"a database URL of another kind", map[string]string{"KYSO_DATABASE_URL": "mysql://root@127.0.0.1/kyso"}, []string{"init", "--data", filepath.Join(base, "d3")}, "postgres://"},
		{"a bad listen address", nil, []string{"serve", "--data", filepath.Join(base, "d4"), "--addr", "nonsense"}, "HOST:PORT"},
		{"serve without an installation", nil, []string{"serve", "--data", filepath.Join(base, "d5")}, "kyso init"},
		{"a stray argument", nil, []string{"init", "extra"}, "unknown command"},
		{"an unknown key algorithm", nil, []string{"init", "--data", filepath.Join(base, "d6"), "--root-key", "dsa1024"}, "--root-key"},
		{"an issuing CA outliving its root", nil, []string{"init", "--data", filepath.Join(base, "d7"), "--root-years", "5", "--issuing-years", "10"}, "--issuing-years"},
		{"a CA key URI that cannot be opened", nil, []string{"init", "--data", filepath.Join(base, "d8"), "--issuing-key-uri", "pkcs11:token=none;object=none"}, "PKCS#11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, base)
			out, err := run(t, tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q\n%s", err, tt.want, out)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error leaks the database password: %v", err)
			}
			if after := snapshot(t, base); len(after) != len(before) {
				t.Errorf("files changed: %d before, %d after", len(before), len(after))
			}
			entries, _ := os.ReadDir(base)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".init-") {
					t.Errorf("a temporary directory was left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestInitWithoutWritePermission(t *testing.T) {
	t.Setenv("KYSO_DATABASE_URL", "")
	if os.Geteuid() == 0 {
		// Root ignores directory permissions, and CI runs as root: run this
		// test again as user nobody, from a copy of the test binary that
		// nobody can read.
		rerunAsNobody(t)
		return
	}
	parent := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(parent, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, nil, "init", "--data", filepath.Join(parent, "data"))
	if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "Choose a --data directory you can write to") {
		t.Fatalf("err = %v, want permission denied with a next step", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("left %d entries in the read-only directory", len(entries))
	}
}

func rerunAsNobody(t *testing.T) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "kyso-perm-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "kyso.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestInitWithoutWritePermission$", "-test.v")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=/tmp", "HOME=/tmp"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestInitWithoutWritePermission") {
		t.Fatalf("the test did not pass as nobody:\n%s", out)
	}
}

func TestInitDemoOnPostgres(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	env := map[string]string{"KYSO_DATABASE_URL": url}
	dir := filepath.Join(t.TempDir(), "data")
	out, err := run(t, env, "init", "--demo", "--data", dir)
	if err != nil {
		t.Fatalf("init --demo on PostgreSQL: %v\n%s", err, out)
	}
	if !strings.Contains(out, "vanthu.stttt") {
		t.Fatalf("no demo logins printed:\n%s", out)
	}
	db, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var agencies, users int
	_ = db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM agencies`).Scan(&agencies)
	_ = db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM users`).Scan(&users)
	if agencies != 11 || users < 20 {
		t.Fatalf("PostgreSQL holds %d agencies and %d users", agencies, users)
	}
	if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a SQLite file was created although PostgreSQL was chosen: %v", err)
	}
	_, err = run(t, env, "init", "--demo", "--data", filepath.Join(t.TempDir(), "other"))
	if err == nil || !strings.Contains(err.Error(), "already holds a kyso installation") {
		t.Fatalf("second init on the same database: %v", err)
	}
	out, err = run(t, env, "audit", "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
}

func TestAuditVerifyFindsAnEditedRow(t *testing.T) {
	t.Setenv("KYSO_DATABASE_URL", "")
	dir := filepath.Join(t.TempDir(), "data")
	if out, err := run(t, nil, "init", "--demo", "--data", dir); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	out, err := run(t, nil, "audit", "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "Audit log intact") {
		t.Fatalf("intact log: %v\n%s", err, out)
	}
	db, err := store.Open(context.Background(), store.Options{SQLitePath: filepath.Join(dir, store.SQLiteFile)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET actor_name = 'Kẻ gian' WHERE seq = 7`} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, err = run(t, nil, "audit", "verify", "--data", dir)
	var ec exitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 1 {
		t.Fatalf("verify after tampering: err %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(out, "BROKEN at event 7") {
		t.Fatalf("report does not name event 7:\n%s", out)
	}
}
