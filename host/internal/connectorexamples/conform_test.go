package connectorexamples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/cli"
	"github.com/idbridge/idbridge/host/runtimes"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// connector is one example connector and what it needs to run.
type connector struct {
	name   string
	folder string // the extension folder
	build  string // what to run when the folder is not ready
}

var connectors = []connector{
	{name: "python", folder: "../../../plugins/examples/python-acme/package", build: "apt-get install python3-grpcio python3-protobuf"},
	{name: "typescript", folder: "../../../plugins/examples/ts-acme/package", build: "cd plugins/examples/ts-acme && npm ci && npm run build"},
}

// ready returns the connector's manifest, or skips (fails in CI) when its
// runtime or its build is missing. The test setup (.ci/install-examples)
// provides both.
func ready(t testing.TB, c connector) *ext.Manifest {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %s (CI=true: the setup must provide it: %s)", c.name, why, c.build)
		}
		t.Skipf("%s: %s; run %s", c.name, why, c.build)
	}
	raw, err := os.ReadFile(filepath.Join(c.folder, ext.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m ext.Manifest
	if err := json.Unmarshal(raw, &m); err != nil || m.Runtime == nil {
		t.Fatalf("%s: manifest: %v", c.folder, err)
	}
	if _, err := os.Stat(filepath.Join(c.folder, m.Runtime.Entry)); err != nil {
		missing("the connector is not built")
	}
	if _, err := (&runtimes.Finder{}).Find(context.Background(), *m.Runtime); err != nil {
		missing(err.Error())
	}
	return &m
}

// run executes the idbridge command line in process.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &cli.Globals{Out: &out, Err: &errb, Env: func(k string) string { return env[k] }}
	code := cli.Execute(context.Background(), args, g)
	return code, out.String(), errb.String()
}

// writeFile writes content to a new file in a test folder.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConnectorsConform runs `idbridge plugin conform` on each example,
// launched from its extension folder on the interpreter the host would
// pick, against a fresh Acme test server.
func TestConnectorsConform(t *testing.T) {
	samples := writeFile(t, "samples.json", `{
		"add-user": {"email": "new.hire@acme.example", "name": "New Hire", "teamId": "t_eng"},
		"find-user-by-email": {"email": "new.hire@acme.example"},
		"deactivate-user": {"userId": "u_0001"}}`)
	key := writeFile(t, "key", acmeapi.DefaultAdminKey)
	for _, c := range connectors {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := ready(t, c)
			srv, err := acmeapi.Start(acmeapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			code, out, errs := run(t, nil, "plugin", "conform", c.folder, "--app-url", srv.URL(),
				"--set", "tenant="+acmeapi.DefaultTenant, "--secret", "apiKey=@"+key, "--samples", samples)
			if code != cli.ExitOK || !strings.Contains(out, "PASS: "+m.ID+" conforms to connector protocol v1") {
				t.Fatalf("conform: exit %d\n%s\n%s", code, out, errs)
			}
			if u, ok := srv.UserByEmail("new.hire@acme.example"); !ok || u.Name != "New Hire" || u.Team != "t_eng" {
				t.Errorf("add-user did not reach the app as sent: %+v", u)
			}
			if u, ok := srv.User("u_0001"); !ok || u.Active {
				t.Errorf("deactivate-user did not reach the app: %+v", u)
			}
		})
	}
}

// TestConformFailsABrokenConnector runs the command without webhook
// samples and with a read-only key, and expects a failure exit code that
// names the failing checks, not a pass.
func TestConformFailsABrokenConnector(t *testing.T) {
	c := connectors[0]
	ready(t, c)
	srv, err := acmeapi.Start(acmeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	key := writeFile(t, "key", acmeapi.DefaultReaderKey) // cannot add users
	code, out, errs := run(t, nil, "plugin", "conform", c.folder, "--app-url", srv.URL(),
		"--set", "tenant="+acmeapi.DefaultTenant, "--secret", "apiKey=@"+key)
	if code == cli.ExitOK || strings.Contains(out, "PASS: ") {
		t.Fatalf("a run without samples and with a read-only key passed:\n%s", out)
	}
	if !strings.Contains(out, "--- FAIL: conformance/webhooks/add-user") || !strings.Contains(errs, "failed the conformance kit") || !strings.Contains(out, `an entry "add-user" in the --samples file`) {
		t.Fatalf("the failure does not name the check:\n%s\n%s", out, errs)
	}
}

// TestConnectorsDeclareWhatTheGoTutorialDeclares compares each example's
// Describe, read through `idbridge plugin describe`, with the Go tutorial
// connector's: the same settings, endpoints, webhooks and rate limit, so
// the three are interchangeable for an admin; the info differs only in the
// id and name, which are the extension's own.
func TestConnectorsDeclareWhatTheGoTutorialDeclares(t *testing.T) {
	want := tutorial.Connector().Describe()
	for _, c := range connectors {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := ready(t, c)
			code, out, errs := run(t, nil, "plugin", "describe", c.folder, "-o", "json")
			if code != cli.ExitOK {
				t.Fatalf("describe: exit %d: %s", code, errs)
			}
			var got connectorv1.DescribeResponse
			if err := protojson.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			for _, part := range []struct {
				name      string
				got, want proto.Message
			}{
				// Each is its own extension: only the id and the name differ.
				{"info", got.GetInfo(), &connectorv1.ConnectorInfo{Id: m.ID, Name: m.Name, Version: want.GetInfo().GetVersion(),
					Publisher: want.GetInfo().GetPublisher(), Description: want.GetInfo().GetDescription()}},
				{"rate limit", got.GetRateLimit(), want.GetRateLimit()},
				{"settings", &connectorv1.DescribeResponse{Settings: got.GetSettings()}, &connectorv1.DescribeResponse{Settings: want.GetSettings()}},
				{"endpoints", &connectorv1.DescribeResponse{Endpoints: got.GetEndpoints()}, &connectorv1.DescribeResponse{Endpoints: want.GetEndpoints()}},
				{"webhooks", &connectorv1.DescribeResponse{Webhooks: got.GetWebhooks()}, &connectorv1.DescribeResponse{Webhooks: want.GetWebhooks()}},
			} {
				if !proto.Equal(part.got, part.want) {
					t.Errorf("%s differ from the Go tutorial's:\n got %v\nwant %v", part.name, part.got, part.want)
				}
			}
		})
	}
}
