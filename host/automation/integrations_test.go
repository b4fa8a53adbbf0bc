package automation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

type noPlugins struct{}

func (noPlugins) Start(context.Context, string, integrations.Binary) (connectorv1.ConnectorClient, error) {
	return nil, nil
}
func (noPlugins) Stop(context.Context, string) error { return nil }
func (noPlugins) BinaryPath(context.Context, string) (string, string, error) {
	return "", "", nil
}

// TestDisablingTheIntegrationPausesAutomations wires the service as the
// integrations service's observer: Disable pauses, and once the
// integration is enabled again the held run starts.
func TestDisablingTheIntegrationPausesAutomations(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	must(t, docs.Put(ctx, integrations.Kind, "clockify", integrations.Integration{ID: "clockify", Name: "Clockify", Enabled: true}))
	box, err := secrets.NewBox(make([]byte, 32))
	must(t, err)
	ints, err := integrations.New(integrations.Config{Docs: docs, Box: box, Runner: noPlugins{}, Binaries: noPlugins{}})
	must(t, err)

	f := newFixture(t, demoClient(t), automation.Config{Integrations: automation.IntegrationsOf(ints)})
	ints.Observe(f.svc)
	on := f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered))

	_, err = ints.Disable(ctx, "clockify")
	must(t, err)
	if by, err := f.svc.Paused(ctx, on.ID); err != nil || by != "clockify" {
		t.Fatalf("after Disable: paused by %q, %v", by, err)
	}
	u := f.user(f.in, "obs", nil)
	f.poll()
	f.expectRuns(u.ID)

	// Enabling needs a running plugin; the record is what the service reads.
	must(t, docs.Put(ctx, integrations.Kind, "clockify", integrations.Integration{ID: "clockify", Name: "Clockify", Enabled: true}))
	must(t, f.svc.ResumeHeld(ctx))
	f.expectRuns(u.ID, "on")

	_, err = ints.Disable(ctx, "clockify")
	must(t, err)
	must(t, ints.Delete(ctx, "clockify"))
	if by, err := f.svc.Paused(ctx, on.ID); err != nil || by != "clockify" {
		t.Fatalf("after Delete: paused by %q, %v", by, err)
	}
}

// TestDeletedIntegrationHolds: an integration that no longer exists holds
// the runs even when the host's check answers not found with an error,
// so the watcher is not stuck on the event.
func TestDeletedIntegrationHolds(t *testing.T) {
	gone := automation.IntegrationsFunc(func(_ context.Context, id string) (bool, error) {
		return false, fmt.Errorf("integration %q: %w", id, store.ErrNotFound)
	})
	f := newFixture(t, demoClient(t), automation.Config{Integrations: gone})
	on := f.create(eventAutomation("On", "onboard", automation.Scope{OU: f.in}, automation.ScopeEntered))
	u := f.user(f.in, "gon", nil)
	f.poll()
	f.expectRuns(u.ID)
	if by, err := f.svc.Paused(context.Background(), on.ID); err != nil || by != "clockify" {
		t.Fatalf("paused by %q, %v", by, err)
	}
}
