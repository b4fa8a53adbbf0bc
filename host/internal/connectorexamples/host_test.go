package connectorexamples_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/cli"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
)

// startHost runs a whole host with its demo directory, as `idbridge serve
// --demo-directory` does, and returns its admin's CLI environment.
func startHost(t *testing.T) map[string]string {
	t.Helper()
	h := apptest.Start(t, app.Options{DataDir: filepath.Join(t.TempDir(), "data"), DemoDirectory: true})
	return map[string]string{"IDBRIDGE_ADDR": h.Base, "IDBRIDGE_TOKEN": h.Admin}
}

// must runs a command that has to succeed and returns its output.
func must(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errs := run(t, env, args...)
	if code != cli.ExitOK {
		t.Fatalf("idbridge %s: exit %d: %s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// TestPackInstallAndPlanThroughEachConnector packs both examples into
// signed extensions, installs them side by side into one host, enables an
// integration of each against its own Acme server, and plans a data-source
// sync through each: the host drives them exactly as it drives a Go
// connector, paging included.
func TestPackInstallAndPlanThroughEachConnector(t *testing.T) {
	for _, c := range connectors {
		ready(t, c)
	}
	env := startHost(t)
	keyPath := filepath.Join(t.TempDir(), "dev.key")
	must(t, env, "ext", "keygen", keyPath)
	must(t, env, "ext", "trust", "add", keyPath+".pub", "--name", "examples")
	apiKey := writeFile(t, "acme.key", acmeapi.DefaultAdminKey)

	for _, c := range connectors {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), c.name+".ext")
			must(t, env, "ext", "pack", c.folder, "-o", out, "--key", keyPath)
			m := ready(t, c)
			if out := must(t, env, "ext", "install", out); !strings.Contains(out, "Installed "+m.ID+" 0.1.0") {
				t.Fatalf("install: %s", out)
			}
			id := m.ID
			if show := must(t, env, "ext", "show", id); !strings.Contains(show, "Runtime:") || !strings.Contains(show, m.Runtime.Name+" "+m.Runtime.MinVersion+" or later") ||
				!strings.Contains(show, m.Runtime.Entry+" (sha256 ") {
				t.Fatalf("ext show does not say what the connector runs on:\n%s", show)
			}

			// Nora Quinn of the demo directory has an Acme account under
			// another display name: one update to plan.
			seed := acmeapi.DefaultSeed()
			seed.Users = append(seed.Users, acmeapi.User{ID: "u_9001", Email: "nora.quinn@example.com", Name: "Nora Q. Quinn", Team: "t_eng", Active: true})
			srv, err := acmeapi.Start(acmeapi.Options{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			integ := "acme-" + c.name
			must(t, env, "integration", "create", id, "--id", integ, "--set", "tenant="+acmeapi.DefaultTenant, "--set", "baseUrl="+srv.URL())
			must(t, env, "integration", "auth", integ, "apiKey=@"+apiKey)
			if out := must(t, env, "integration", "enable", integ); !strings.Contains(out, "Connection test passed") || !strings.Contains(out, "it-admin@acme.example") {
				t.Fatalf("enable: %s", out)
			}

			ds := writeFile(t, "ds.json", `{"id":"people-`+c.name+`","name":"Acme people","category":"update users",`+
				`"endpoints":[{"alias":"users","integrationId":"`+integ+`","endpointId":"list-users","primaryKey":"id"}],`+
				`"mappings":[{"field":{"endpoint":"users","path":"name"},"attribute":"displayName"}],`+
				`"match":{"field":{"endpoint":"users","path":"email"},"attribute":"mail","caseInsensitive":true},`+
				`"options":{},"scope":{"base":"OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test"}}`)
			must(t, env, "datasource", "create", "--file", ds)
			var pv idsync.Preview
			if err := json.Unmarshal([]byte(must(t, env, "sync", "plan", "people-"+c.name, "-o", "json")), &pv); err != nil {
				t.Fatal(err)
			}
			s := pv.Plan.Summary
			if s.Records != acmeapi.DefaultUsers+1 || s.Updates != 1 || s.Orphans == 0 {
				t.Fatalf("plan through the %s connector: %+v; want all %d records read over three pages, Nora's update and orphans",
					c.name, s, acmeapi.DefaultUsers+1)
			}
		})
	}
}
