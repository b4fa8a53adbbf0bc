package integrations

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// promisingBinaries is fakeBinaries whose manifest promises a version.
type promisingBinaries struct {
	fakeBinaries
	version string
	hosts   []string
}

func (b promisingBinaries) Identity(context.Context, string) (Promise, error) {
	return Promise{ID: "fake", Version: b.version, Protocols: []int{1}, OutboundHosts: b.hosts}, nil
}

// TestEnableRefusesAConnectorThatIsNotTheManifests: the binary describes
// version 1.2.3; an extension whose manifest says 2.0.0 is refused at its
// first launch, nothing is left running, and the API answers 409.
func TestEnableRefusesAConnectorThatIsNotTheManifests(t *testing.T) {
	ctx := context.Background()
	for _, promised := range []string{"1.2.3", "2.0.0"} {
		f := newFixture(t)
		f.svc.cfg.Binaries = promisingBinaries{version: promised}
		_, err := f.svc.Create(ctx, CreateRequest{ID: "main", ExtensionID: "fake", Name: "Main",
			Settings: map[string]string{"workspaceId": "abc123"}, Authorization: map[string]string{"apiKey": testKey}})
		if err == nil {
			_, err = f.svc.Enable(ctx, "main")
		}
		if promised == "1.2.3" {
			if err != nil {
				t.Fatalf("a matching connector: %v", err)
			}
			continue
		}
		if !errors.Is(err, ext.ErrConnectorMismatch) || !strings.Contains(err.Error(), `version "1.2.3" (manifest "2.0.0")`) {
			t.Fatalf("a mismatching connector: %v", err)
		}
		if f.runner.isRunning("main") {
			t.Fatal("the plugin was left running after a refused enable")
		}
		var ae *api.Error
		if !errors.As(apiError(err), &ae) || ae.Status != http.StatusConflict || ae.Code != "connector_mismatch" {
			t.Fatalf("API error %v", apiError(err))
		}
	}
}

// TestURLSettingsStayOnTheManifestsHosts: with outbound_hosts declared, a
// URL setting elsewhere is refused at create, at a settings change and at
// enable (a default outside the list included); subdomains match
// "*.domain", a port must match when the pattern names one, and loopback
// is always allowed. An empty list restricts nothing.
func TestURLSettingsStayOnTheManifestsHosts(t *testing.T) {
	ctx := context.Background()
	hosts := []string{"app.example", "*.eu.example", "api.example.org:8443"}
	create := func(f *fixture, base string) error {
		settings := map[string]string{"workspaceId": "abc123"}
		if base != "" {
			settings["baseUrl"] = base
		}
		_, err := f.svc.Create(ctx, CreateRequest{ID: "main", ExtensionID: "fake", Name: "Main",
			Settings: settings, Authorization: map[string]string{"apiKey": testKey}})
		return err
	}
	for base, ok := range map[string]bool{
		"":                                true, // the default, https://app.example/api
		"https://tenant.eu.example/api":   true,
		"https://api.example.org:8443/v2": true,
		"http://127.0.0.1:9000/api":       true,
		"https://eu.example/api":          false, // the apex is not a subdomain
		"https://api.example.org/v2":      false, // port 443, not 8443
		"https://evil.example.net/api":    false,
	} {
		f := newFixture(t)
		f.svc.cfg.Binaries = promisingBinaries{version: "1.2.3", hosts: hosts}
		err := create(f, base)
		var ve *ValidationError
		if ok != (err == nil) || (!ok && (!errors.As(err, &ve) || !strings.Contains(err.Error(), "baseUrl"))) {
			t.Errorf("create with baseUrl %q: %v, want allowed %v", base, err, ok)
		}
	}

	f := newFixture(t)
	f.svc.cfg.Binaries = promisingBinaries{version: "1.2.3", hosts: hosts}
	if err := create(f, "https://tenant.eu.example/api"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateSettings(ctx, "main", map[string]string{"baseUrl": "https://evil.example.net/api"}); err == nil {
		t.Fatal("a settings change to another host was accepted")
	}
	// The manifest changed under an existing integration (an upgrade):
	// enable refuses until the setting is corrected.
	f.svc.cfg.Binaries = promisingBinaries{version: "1.2.3", hosts: []string{"app.example"}}
	if _, err := f.svc.Enable(ctx, "main"); err == nil || !strings.Contains(err.Error(), "tenant.eu.example is not among the hosts") {
		t.Fatalf("enable with a URL outside the manifest's hosts: %v", err)
	}

	f = newFixture(t)
	f.svc.cfg.Binaries = promisingBinaries{version: "1.2.3"}
	if err := create(f, "https://anywhere.example.net/api"); err != nil {
		t.Fatalf("no outbound_hosts: %v", err)
	}
}
