package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// host is a real API server with token routes, and an admin token for it.
func host(t *testing.T) (addr, admin string) {
	t.Helper()
	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, err := tokens.Create(context.Background(), "root", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return serveAPI(t, tokens), admin
}

// serveAPI serves the token routes and those of providers, authenticated
// by tokens, until the test ends, and returns the server's URL.
func serveAPI(t *testing.T, tokens *api.Tokens, providers ...api.RouteProvider) string {
	t.Helper()
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Mount(append([]api.RouteProvider{tokens}, providers...)...); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

// run executes the command line with the given environment.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &Globals{Out: &out, Err: &errb, Env: func(k string) string { return env[k] }}
	code = Execute(context.Background(), args, g)
	return code, out.String(), errb.String()
}

func TestTokenCommandsAgainstRealServer(t *testing.T) {
	addr, admin := host(t)
	env := map[string]string{"IDBRIDGE_ADDR": addr, "IDBRIDGE_TOKEN": admin}

	code, out, errs := run(t, env, "token", "create", "reader", "--role", "auditor", "--output", "json")
	if code != ExitOK {
		t.Fatalf("create: code %d, %s", code, errs)
	}
	var created api.CreatedToken
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Token == "" || created.Role != api.RoleAuditor {
		t.Fatalf("create output %q: %v", out, err)
	}

	code, out, _ = run(t, env, "token", "list")
	if code != ExitOK || !strings.Contains(out, "reader") || !strings.Contains(out, "auditor") || strings.Contains(out, created.Token) {
		t.Fatalf("list: code %d, %q", code, out)
	}

	// The auditor token is authenticated but may not manage tokens.
	code, _, errs = run(t, map[string]string{"IDBRIDGE_ADDR": addr, "IDBRIDGE_TOKEN": created.Token}, "token", "list")
	if code != ExitAuth || !strings.Contains(errs, "admin role") {
		t.Fatalf("auditor list: code %d, %q", code, errs)
	}

	code, out, _ = run(t, env, "token", "revoke", created.ID)
	if code != ExitOK || out != "Revoked token "+created.ID+".\n" {
		t.Fatalf("revoke: code %d, %q", code, out)
	}
	code, _, errs = run(t, env, "token", "revoke", created.ID)
	if code != ExitNotFound {
		t.Fatalf("second revoke: code %d %q, want %d", code, errs, ExitNotFound)
	}
}

func TestClientErrors(t *testing.T) {
	addr, _ := host(t)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no token", map[string]string{"IDBRIDGE_ADDR": addr}, []string{"token", "list"}, ExitAuth, "IDBRIDGE_TOKEN"},
		{"bad token", map[string]string{"IDBRIDGE_ADDR": addr, "IDBRIDGE_TOKEN": "idb_wrong"}, []string{"token", "list"}, ExitAuth, "admin.token"},
		{"host down", map[string]string{"IDBRIDGE_ADDR": "http://127.0.0.1:1", "IDBRIDGE_TOKEN": "idb_x"}, []string{"token", "list"}, ExitUnavailable, "idbridge serve"},
		{"bad address", map[string]string{"IDBRIDGE_ADDR": "127.0.0.1:8470", "IDBRIDGE_TOKEN": "idb_x"}, []string{"token", "list"}, ExitUsage, "http(s) URL"},
		{"bad output", map[string]string{}, []string{"token", "list", "--output", "yaml"}, ExitUsage, "text or json"},
		{"unknown command", map[string]string{}, []string{"frobnicate"}, ExitUsage, "unknown command"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := run(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("code %d, stderr %q; want %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

func TestRegisteredGroupsMerge(t *testing.T) {
	root := &cobra.Command{Use: "root"}
	a := &cobra.Command{Use: "group", Short: "A group"}
	a.AddCommand(&cobra.Command{Use: "one"})
	b := &cobra.Command{Use: "group"}
	b.AddCommand(&cobra.Command{Use: "two"})
	addMerged(root, a)
	addMerged(root, b)
	if len(root.Commands()) != 1 {
		t.Fatalf("%d top-level commands, want the merged group", len(root.Commands()))
	}
	var names []string
	for _, c := range root.Commands()[0].Commands() {
		names = append(names, c.Name())
	}
	if strings.Join(names, ",") != "one,two" {
		t.Fatalf("group has %v", names)
	}
}

func TestCompletionIsAvailable(t *testing.T) {
	code, out, errs := run(t, nil, "completion", "bash")
	if code != ExitOK || !strings.Contains(out, "idbridge") {
		t.Fatalf("completion bash: code %d, %q", code, errs)
	}
}
