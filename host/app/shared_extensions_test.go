//go:build linux

package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/plugins/scim/scimtest"
)

// TestExtensionInstalledThroughOneHostRunsOnAnother installs a signed
// extension through host A and enables an integration on it through host
// B, which has never seen the archive: B unpacks it from the shared store,
// verifies it and launches it. A forced uninstall through A then removes
// B's copy and leaves the integration disabled. See decision 0237.
func TestExtensionInstalledThroughOneHostRunsOnAnother(t *testing.T) {
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hosts := make([]*fullHost, 2)
	for i := range hosts {
		dir := t.TempDir()
		a, err := app.New(ctx, app.Options{DataDir: dir, Store: openShared(t, srv, schema), Getenv: keyEnv(1)})
		if err != nil {
			t.Fatalf("host %d: %v", i, err)
		}
		base, done := apptest.Serve(t, ctx, a)
		t.Cleanup(func() { cancel(); <-done })
		hosts[i] = &fullHost{App: a, base: base}
	}
	// The first host writes the admin token; tokens are shared, so it
	// works on both.
	raw, err := os.ReadFile(filepath.Join(hosts[0].DataDir, api.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		h.admin = strings.TrimSpace(string(raw))
	}
	a, b := hosts[0], hosts[1]

	const token = "shared-ext-token-0123456789"
	scim, err := scimtest.Start(scimtest.Options{Token: token, Users: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scim.Close)
	a.installBuilt(t, "scim", nil)
	bExt := filepath.Join(b.DataDir, "extensions", "scim")
	if _, err := os.Stat(bExt); !os.IsNotExist(err) {
		t.Fatalf("B has scim's files before anything asked for them: %v", err)
	}

	b.api(t, "POST", "/v1/integrations", integrations.CreateRequest{ID: "acme", ExtensionID: "scim", Name: "Acme",
		Settings: map[string]string{"baseUrl": scim.URL()}, Authorization: map[string]string{"token": token}}, nil)
	var view integrations.View
	b.api(t, "POST", "/v1/integrations/acme/enable", nil, &view)
	if !view.Enabled || view.LastTest == nil || !view.LastTest.OK {
		t.Fatalf("enable through B: enabled %v, test %+v", view.Enabled, view.LastTest)
	}
	if err := b.Services.Extensions.CheckIntegrity(ctx, "scim"); err != nil {
		t.Fatalf("scim's files on B: %v", err)
	}

	a.api(t, "DELETE", "/v1/extensions/scim?force=true", nil, nil)
	// B's sync loop removes the files within its interval; the deadline
	// is only a safety net.
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(bExt); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("scim's files are still on B a minute after the uninstall through A")
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.api(t, "GET", "/v1/integrations/acme", nil, &view)
	if view.Enabled {
		t.Fatal("the integration is still enabled on an uninstalled extension")
	}
}
