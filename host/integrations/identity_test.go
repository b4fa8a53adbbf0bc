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
}

func (b promisingBinaries) Identity(context.Context, string) (string, string, []int, error) {
	return "fake", b.version, []int{1}, nil
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
