package automation

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
)

// ErrSyncNotWired: an automation asked for a data-source sync and the
// host gave the service no runner for syncs.
var ErrSyncNotWired = errors.New("this host starts no data-source syncs from automations: wire a sync runner into EngineRunner.Syncs")

// EngineRunner connects the service to the orchestration engine: it is
// both the Runner (template runs go to Engine.StartRun, sync runs to
// Syncs) and the Templates catalog (the engine's saved templates).
type EngineRunner struct {
	// Engine runs templates.
	Engine *orchestration.Engine
	// Syncs starts data-source syncs; nil refuses them.
	Syncs Runner
}

// StartRun implements Runner.
func (r EngineRunner) StartRun(ctx context.Context, req RunRequest) (string, error) {
	if req.Sync != "" {
		if r.Syncs == nil {
			return "", ErrSyncNotWired
		}
		return r.Syncs.StartRun(ctx, req)
	}
	objs := make([]outbound.Object, len(req.Objects))
	for i, o := range req.Objects {
		objs[i] = outbound.Object{ID: o.ID, DN: o.DN, Kind: outbound.KindUser, Attributes: o.Attributes, Previous: o.Previous, Groups: o.Groups}
	}
	return r.Engine.StartRun(ctx, orchestration.RunRequest{
		RunID: req.ID, TemplateID: req.Template, Automation: req.Automation, Trigger: req.Trigger, Objects: objs,
		DeactivationLimit: req.Options.DeactivationLimit,
	})
}

// Template implements Templates.
func (r EngineRunner) Template(ctx context.Context, id string) (TemplateInfo, error) {
	t, err := r.Engine.Template(ctx, id)
	if errors.Is(err, orchestration.ErrNotFound) {
		return TemplateInfo{}, fmt.Errorf("%w: %w", err, store.ErrNotFound)
	}
	if err != nil {
		return TemplateInfo{}, err
	}
	info := TemplateInfo{ID: t.ID, Name: t.Name}
	for _, s := range t.Steps {
		if macro.ReadsGroups(s.Condition) || slices.ContainsFunc(slices.Collect(maps.Values(s.Inputs)), macro.ReadsGroups) {
			info.NeedsGroups = true
		}
		if s.Kind == orchestration.KindWebhook && s.Integration != "" && !slices.Contains(info.Integrations, s.Integration) {
			info.Integrations = append(info.Integrations, s.Integration)
		}
	}
	return info, nil
}
