package templates_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/templates"
	"github.com/idbridge/idbridge/plugins/clockify"
	shipped "github.com/idbridge/idbridge/plugins/clockify/templates"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// TestShippedTemplatesCheck checks every shipped template against the
// connector's Describe, as the host will; macros and conditions are
// checked by the host's own tests, which install these files.
func TestShippedTemplatesCheck(t *testing.T) {
	all, err := shipped.All()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"clockify-move", "clockify-offboarding", "clockify-onboarding", "clockify-return", "clockify-roles"}
	var ids []string
	for _, tp := range all {
		ids = append(ids, tp.ID)
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Fatalf("shipped templates %v, want %v", ids, want)
	}
	c := connectortest.InProcess(t, clockify.Connector())
	d, err := c.Describe(context.Background(), &connectorv1.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range all {
		if err := templates.Check(tp, d.GetWebhooks()); err != nil {
			t.Errorf("%s: %v", tp.ID, err)
		}
		if tp.Connector != "clockify" {
			t.Errorf("%s names connector %q", tp.ID, tp.Connector)
		}
		if len(tp.Trigger.Events) == 0 {
			t.Errorf("%s suggests no trigger", tp.ID)
		}
	}
}

func TestGetNamesWhatShips(t *testing.T) {
	if _, err := shipped.Get("clockify-onboarding"); err != nil {
		t.Fatal(err)
	}
	_, err := shipped.Get("clockify-nope")
	if err == nil || !strings.Contains(err.Error(), "clockify-onboarding") {
		t.Fatalf("unknown id: %v, want the list of shipped ids", err)
	}
}
