package integrations

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// hostProblems checks every URL setting against the hosts the extension's
// manifest says its connector may reach (outbound_hosts). The SDK already
// keeps every call on the base URL's host, so checking the URL settings
// keeps every call on a promised host. An empty list promises nothing but
// the admin's own URLs; loopback is always allowed, for sandboxes and test
// servers on the host itself. See decision 0205.
func (s *Service) hostProblems(ctx context.Context, in *Integration, sch schema, settings map[string]string) ([]Problem, error) {
	ids, ok := s.cfg.Binaries.(Identities)
	if !ok {
		return nil, nil
	}
	p, err := ids.Identity(ctx, in.ExtensionID)
	if err != nil || len(p.OutboundHosts) == 0 {
		return nil, err
	}
	var problems []Problem
	for key, spec := range sch {
		if spec.GetType() != connectorv1.SettingType_SETTING_TYPE_URL {
			continue
		}
		v := settings[key]
		if v == "" {
			v = spec.GetDefaultValue()
		}
		u, err := url.Parse(v)
		if v == "" || err != nil || u.Host == "" || allowedHost(u, p.OutboundHosts) {
			continue
		}
		problems = append(problems, Problem{key, fmt.Sprintf("%s is not among the hosts extension %s may reach (%s); use one of them",
			u.Host, in.ExtensionID, strings.Join(p.OutboundHosts, ", "))})
	}
	return problems, nil
}

// allowedHost matches u's host against patterns: an exact name, or
// "*.domain" for any subdomain, each optionally with ":port".
func allowedHost(u *url.URL, patterns []string) bool {
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || net.ParseIP(host).IsLoopback() {
		return true
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, p := range patterns {
		name, pport, hasPort := strings.Cut(p, ":")
		if hasPort && pport != port {
			continue
		}
		if suffix, ok := strings.CutPrefix(name, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if host == name {
			return true
		}
	}
	return false
}
