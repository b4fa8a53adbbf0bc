package inbound

import (
	"context"
	"fmt"

	"github.com/idbridge/idbridge/host/macro"
)

// macroScope is what a custom endpoint's templates may reference: the
// integration's plain settings. Secret settings are left out on purpose:
// the connector adds credentials itself, so an admin never has to (and
// cannot) place an API key in a URL or header where it would be shown.
func (s *Service) macroScope(ctx context.Context, integrationID string) (macro.Scope, map[string]bool, error) {
	infos, err := s.cfg.Integrations.Schema(ctx, integrationID)
	if err != nil {
		return macro.Scope{}, nil, err
	}
	var keys []string
	secret := map[string]bool{}
	for _, in := range infos {
		if in.Secret {
			secret[in.Key] = true
			continue
		}
		keys = append(keys, in.Key)
	}
	return macro.NewScope(macro.Integration(keys...)), secret, nil
}

// templated lists a definition's template fields with the escaping each
// needs once rendered. Query values go unescaped because the connector
// encodes the query it builds.
func templated(d *Definition) []struct {
	where string
	src   *string
	ctx   macro.Context
} {
	type t = struct {
		where string
		src   *string
		ctx   macro.Context
	}
	out := []t{{"url", &d.URL, macro.URL}}
	for i := range d.Headers {
		out = append(out, t{fmt.Sprintf("headers[%d].value", i), &d.Headers[i].Value, macro.Header})
	}
	for i := range d.Query {
		out = append(out, t{fmt.Sprintf("query[%d].value", i), &d.Query[i].Value, macro.Text})
	}
	return out
}

// checkMacros reports every macro a definition uses that the integration
// does not have, so a typo is refused at save, not at the night's run.
func (s *Service) checkMacros(ctx context.Context, integrationID string, d Definition) ([]string, error) {
	scope, _, err := s.macroScope(ctx, integrationID)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, f := range templated(&d) {
		if _, err := macro.Check(*f.src, scope); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f.where, err))
		}
	}
	return problems, nil
}

// render returns a copy of d with every host macro replaced by the
// integration's current plain settings.
func (s *Service) render(ctx context.Context, integrationID string, d Definition) (Definition, error) {
	scope, secret, err := s.macroScope(ctx, integrationID)
	if err != nil {
		return d, err
	}
	settings, err := s.cfg.Integrations.Settings(ctx, integrationID)
	if err != nil {
		return d, err
	}
	plain := map[string][]string{}
	for k, v := range settings {
		if !secret[k] {
			plain[k] = []string{v}
		}
	}
	env := macro.Env{Values: macro.Data{macro.NamespaceIntegration: plain}, Object: "endpoint " + d.ID}
	out := d
	out.Headers = append([]KV(nil), d.Headers...)
	out.Query = append([]KV(nil), d.Query...)
	for _, f := range templated(&out) {
		t, err := macro.Check(*f.src, scope)
		if err != nil {
			return d, &InvalidError{Problems: []string{fmt.Sprintf("%s: %v", f.where, err)}}
		}
		v, err := t.Render(env, f.ctx)
		if err != nil {
			return d, fmt.Errorf("render %s of endpoint %s: %w", f.where, d.ID, err)
		}
		*f.src = v
	}
	return out, nil
}
