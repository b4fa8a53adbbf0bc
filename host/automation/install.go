package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// InstallTemplates saves an extension's lifecycle templates for one
// integration: each template's own webhooks become custom webhooks of the
// integration, and the template, its webhook steps bound to the
// integration, is saved in the engine, which checks it as any admin's
// template. It returns the ids installed; a template that does not check
// is reported in the joined error and the others are still installed.
func InstallTemplates(ctx context.Context, hooks *outbound.Service, eng *orchestration.Engine, integration string, ts []templates.Template) ([]string, error) {
	var (
		ids  []string
		errs []error
	)
	for _, t := range ts {
		if err := installOne(ctx, hooks, eng, integration, t); err != nil {
			errs = append(errs, fmt.Errorf("install template %s: %w", t.ID, err))
			continue
		}
		ids = append(ids, t.ID)
	}
	return ids, errors.Join(errs...)
}

func installOne(ctx context.Context, hooks *outbound.Service, eng *orchestration.Engine, integration string, t templates.Template) error {
	for _, w := range t.Webhooks {
		ow := outbound.Webhook{
			ID: w.ID, Integration: integration, Name: w.Name, Description: w.Description,
			Method: w.Method, URL: w.URL, MessageType: w.MessageType, Body: w.Body,
			Idempotent: strings.EqualFold(w.Method, "GET"),
		}
		for _, q := range w.Query {
			ow.Query = append(ow.Query, outbound.KV{Name: q.Name, Value: q.Value})
		}
		for _, o := range w.Outputs {
			ow.Outputs = append(ow.Outputs, outbound.Output{Name: o.Name, Path: o.Path, Description: o.Description})
		}
		if _, err := hooks.Save(ctx, ow); err != nil {
			return fmt.Errorf("custom webhook %s: %w", w.ID, err)
		}
	}
	// The shipped format names its fields as the engine does; a JSON round
	// trip carries them over and leaves the extension-only ones behind.
	raw, err := json.Marshal(t.ForIntegration(integration))
	if err != nil {
		return err
	}
	var ot orchestration.Template
	if err := json.Unmarshal(raw, &ot); err != nil {
		return fmt.Errorf("the template's format does not match the engine's: %w", err)
	}
	_, err = eng.SaveTemplate(ctx, ot)
	return err
}
