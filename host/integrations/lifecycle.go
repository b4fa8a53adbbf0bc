package integrations

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Enable starts the plugin, describes it (caching the answer), checks that
// every required setting is present and runs the connection test. The
// integration is enabled only when all of that succeeds; otherwise the
// plugin is stopped again and the error says what to fix (a
// *ValidationError for missing settings, a *TestFailedError for a failed
// test).
func (s *Service) Enable(ctx context.Context, id string) (*View, error) {
	unlock := s.lock(id)
	defer unlock()
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := s.start(ctx, in)
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep && !in.Enabled {
			s.stop(context.WithoutCancel(ctx), id)
		}
	}()
	result, err := s.test(ctx, in, c)
	// Whatever happened, keep the fresh description and test result.
	if saveErr := s.save(ctx, in); saveErr != nil {
		return nil, errors.Join(err, saveErr)
	}
	if err != nil {
		return nil, err
	}
	if !result.OK {
		return nil, &TestFailedError{Integration: id, Result: result}
	}
	in.Enabled = true
	if err := s.save(ctx, in); err != nil {
		in.Enabled = false
		return nil, err
	}
	keep = true
	s.log.Info("integration enabled", "integration", id, "account", result.Account)
	return s.view(ctx, in), s.notifyEnabled(ctx, id)
}

// notifyEnabled tells every EnabledObserver.
func (s *Service) notifyEnabled(ctx context.Context, id string) error {
	return s.notify(id, "enabled, but resuming", func(o Observer) error {
		if eo, ok := o.(EnabledObserver); ok {
			return eo.OnEnabled(ctx, id)
		}
		return nil
	})
}

// test describes the connector, checks required settings and runs Test,
// recording the result in the record (not saved).
func (s *Service) test(ctx context.Context, in *Integration, c connectorv1.ConnectorClient) (*TestResult, error) {
	d, err := s.describe(ctx, in, c)
	if err != nil {
		return nil, err
	}
	sch := newSchema(d)
	if missing := sch.missing(in.Settings, in.Authorization); len(missing) > 0 {
		problems := make([]Problem, len(missing))
		for i, k := range missing {
			where := "settings"
			if sch[k].GetSecret() {
				where = "authorization"
			}
			problems[i] = Problem{k, "required; set it in the integration's " + where}
		}
		return nil, &ValidationError{problems}
	}
	if problems, err := s.hostProblems(ctx, in, sch, in.Settings); err != nil || len(problems) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, &ValidationError{problems}
	}
	values, err := s.values(in, sch)
	if err != nil {
		return nil, err
	}
	r, err := c.Test(ctx, &connectorv1.TestRequest{Settings: values})
	if err != nil {
		return nil, fmt.Errorf("%w: test the connection of integration %s: %w", ErrConnectorUnavailable, in.ID, err)
	}
	in.LastTest = testResult(r, s.now())
	return in.LastTest, nil
}

// Test runs the connection test with the saved settings and records the
// result. A disabled integration's plugin is started for the test and
// stopped afterwards, so admins can test before enabling.
func (s *Service) Test(ctx context.Context, id string) (*TestResult, error) {
	unlock := s.lock(id)
	defer unlock()
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	var result *TestResult
	err = s.withClient(ctx, in, func(c connectorv1.ConnectorClient) error {
		result, err = s.test(ctx, in, c)
		return err
	})
	if saveErr := s.save(ctx, in); saveErr != nil {
		return nil, errors.Join(err, saveErr)
	}
	if err != nil {
		return nil, err
	}
	return result, nil
}

// Disable marks the integration disabled, stops its plugin and tells every
// Observer. Settings and authorization are kept. Observer errors are
// returned joined, after the integration is already disabled.
func (s *Service) Disable(ctx context.Context, id string) (*View, error) {
	unlock := s.lock(id)
	defer unlock()
	in, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	in.Enabled = false
	if err := s.save(ctx, in); err != nil {
		return nil, err
	}
	s.stop(ctx, id)
	s.log.Info("integration disabled", "integration", id)
	return s.view(ctx, in), s.notifyDisabled(ctx, id)
}

func (s *Service) notifyDisabled(ctx context.Context, id string) error {
	return s.notify(id, "disabled, but pausing", func(o Observer) error { return o.OnDisabled(ctx, id) })
}

// notify calls each observer; errors come back joined, after the change
// they report has already happened.
func (s *Service) notify(id, what string, call func(Observer) error) error {
	s.mu.Lock()
	obs := append([]Observer(nil), s.observers...)
	s.mu.Unlock()
	var errs []error
	for _, o := range obs {
		if err := call(o); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("integration %s is %s what uses it failed: %w", id, what, err)
	}
	return nil
}

// Settings returns every setting of the integration in clear, defaults
// included, for the plugin and for macro rendering. Callers must not log
// or store the result; the values are registered with the Masker.
func (s *Service) Settings(ctx context.Context, id string) (map[string]string, error) {
	in, sch, err := s.loadWithSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.values(in, sch)
}

// Schema returns the connector's setting declarations, for forms and the
// macro chooser.
func (s *Service) Schema(ctx context.Context, id string) ([]SettingInfo, error) {
	_, sch, err := s.loadWithSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]SettingInfo, 0, len(sch))
	for _, spec := range sch {
		out = append(out, SettingInfo{Key: spec.GetKey(), Label: spec.GetLabel(), Description: spec.GetDescription(),
			Type:     strings.ToLower(strings.TrimPrefix(spec.GetType().String(), "SETTING_TYPE_")),
			Required: spec.GetRequired(), Secret: spec.GetSecret(), Default: spec.GetDefaultValue(),
			Enum: spec.GetEnumValues(), Pattern: spec.GetPattern()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// SettingInfo is a setting declaration as the API shows it.
type SettingInfo struct {
	// Key is the setting's name in settings maps and URL templates.
	Key string `json:"key"`
	// Label and Description are for forms.
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	// Type is string, int, bool, url or enum.
	Type string `json:"type"`
	// Required settings must have a value before Enable.
	Required bool `json:"required"`
	// Secret settings go in the authorization and are never shown.
	Secret bool `json:"secret"`
	// Default applies when no value is saved.
	Default string `json:"default,omitempty"`
	// Enum lists the allowed values of an enum.
	Enum []string `json:"enum,omitempty"`
	// Pattern is a regular expression the whole value must match.
	Pattern string `json:"pattern,omitempty"`
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
