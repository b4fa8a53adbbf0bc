package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
)

func TestServeDirectoryOptions(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"IDBRIDGE_DIRECTORY_URL": "ldaps://dc1.example.com", "IDBRIDGE_DIRECTORY_BIND": "svc@EXAMPLE.COM",
		"IDBRIDGE_DIRECTORY_PASSWORD_FILE": pw, "IDBRIDGE_DIRECTORY_BASE": "DC=example,DC=com", "IDBRIDGE_DATA": dir}
	g := &Globals{Env: func(k string) string { return env[k] }}
	f := serveFlags{catalogs: []string{"main=https://c.example.com"}}
	opts, err := f.options(g)
	if err != nil {
		t.Fatal(err)
	}
	d := opts.Directory
	if d == nil || d.URL != "ldaps://dc1.example.com" || d.BindDN != "svc@EXAMPLE.COM" || d.Password != "s3cret" ||
		d.BaseDN != "DC=example,DC=com" || opts.DataDir != dir || len(opts.Catalogs) != 1 {
		t.Fatalf("options %+v, directory %+v", opts, d)
	}
	// A flag wins over the environment.
	f = serveFlags{dirURL: "ldap://other:389", dirPlain: true}
	if opts, err = f.options(g); err != nil || opts.Directory.URL != "ldap://other:389" || !opts.Directory.PlainText {
		t.Fatalf("flag over env: %+v %v", opts.Directory, err)
	}

	cases := []struct {
		name string
		f    serveFlags
		env  map[string]string
		want string
	}{
		{"no password file", serveFlags{dirURL: "ldaps://dc"}, nil, "--directory-password-file"},
		{"missing password file", serveFlags{dirURL: "ldaps://dc", dirPasswordFile: filepath.Join(dir, "nope")}, nil, "read --directory-password-file"},
		{"missing CA", serveFlags{dirURL: "ldaps://dc", dirPasswordFile: pw, dirCA: filepath.Join(dir, "nope.pem")}, nil, "read --directory-ca"},
		{"both directories", serveFlags{dirURL: "ldaps://dc", demoDir: true}, nil, "exclude each other"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := &Globals{Env: func(k string) string { return tc.env[k] }}
			_, err := tc.f.options(g)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	// Without a directory the host still starts, on the default data folder.
	g = &Globals{Env: func(string) string { return "" }}
	f = serveFlags{}
	if opts, err = f.options(g); err != nil || opts.Directory != nil || opts.DataDir != "idbridge-data" {
		t.Fatalf("no directory: %+v %v", opts, err)
	}
}

func TestServeRefusesBadFlagsWithUsageCode(t *testing.T) {
	code, _, errs := run(t, nil, "serve", "--directory-url", "ldaps://dc", "--data", t.TempDir())
	if code != ExitUsage || !strings.Contains(errs, "--directory-password-file") {
		t.Fatalf("exit %d %q", code, errs)
	}
}

func TestServeJournalRetentionFlag(t *testing.T) {
	cmd := newServeCmd(&Globals{})
	if err := cmd.Flags().Parse([]string{"--journal-retention", "2d"}); err != nil {
		t.Fatal(err)
	}
	if got := app.FormatJournalRetention(48 * time.Hour); cmd.Flags().Lookup("journal-retention").Value.String() != got {
		t.Fatalf("--journal-retention 2d reads back as %q, want %q", cmd.Flags().Lookup("journal-retention").Value, got)
	}
	f := serveFlags{journalRetention: 48 * time.Hour}
	opts, err := f.options(&Globals{Env: func(string) string { return "" }})
	if err != nil || opts.Engine.JournalRetention != 48*time.Hour {
		t.Fatalf("options carry %v (%v); want the flag's 48h for the engine", opts.Engine.JournalRetention, err)
	}
	code, _, errs := run(t, nil, "serve", "--journal-retention", "a while", "--data", t.TempDir())
	if code == ExitOK || !strings.Contains(errs, "journal-retention") || !strings.Contains(errs, "30d") {
		t.Fatalf("exit %d %q; want a refusal naming the flag and the accepted forms", code, errs)
	}
}
