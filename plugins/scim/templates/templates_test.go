package templates_test

import (
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/scim"
	shipped "github.com/idbridge/idbridge/plugins/scim/templates"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// TestShippedTemplatesCheck checks every template against the connector's
// Describe, as the host will; the host's tests check macros and conditions
// when they install these files.
func TestShippedTemplatesCheck(t *testing.T) {
	all, err := templates.Load(shipped.FS)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tp := range all {
		ids = append(ids, tp.ID)
	}
	if got := strings.Join(ids, ","); got != "scim-move,scim-offboarding,scim-onboarding,scim-return" {
		t.Fatalf("shipped %s", got)
	}
	d, err := connectortest.InProcess(t, scim.Connector()).Describe(t.Context(), &connectorv1.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range all {
		if err := templates.Check(tp, d.GetWebhooks()); err != nil {
			t.Errorf("%s: %v", tp.ID, err)
		}
		if tp.Connector != "scim" || len(tp.Trigger.Events) == 0 {
			t.Errorf("%s: connector %q, trigger %v", tp.ID, tp.Connector, tp.Trigger.Events)
		}
	}
}
