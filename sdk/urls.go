package sdk

import (
	"fmt"
	"net/url"
	"strings"
)

// expandPlaceholders fills {Key} placeholders from settings; braces around
// anything that is not a setting are left alone. In paths the
// value is path-escaped so that a setting cannot add path segments or a
// query; in query values and headers it is used as is (the query is encoded
// when the URL is built).
func expandPlaceholders(tmpl string, s Settings, escape func(string) string) (string, error) {
	if !strings.Contains(tmpl, "{") {
		return tmpl, nil
	}
	var b strings.Builder
	rest := tmpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		key := rest[i+1 : i+j]
		v, ok := s.lookup(key)
		if !isSettingKey(key) || !ok {
			// Not a setting: a literal brace in a value the host rendered.
			b.WriteString(rest[:i+1])
			rest = rest[i+1:]
			continue
		}
		if v == "" {
			return "", fmt.Errorf("%w: placeholder {%s} has no value; fill the setting %q", ErrInvalidSettings, key, key)
		}
		b.WriteString(rest[:i])
		if escape != nil {
			v = escape(v)
		}
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
}

// lookup finds a setting by exact key, then ignoring case, so that a
// template may write {WorkspaceID} for the setting workspaceId as API
// documentation spells it.
func (s Settings) lookup(key string) (string, bool) {
	if v, ok := s[key]; ok {
		return v, true
	}
	for k, v := range s {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// isSettingKey reports whether s looks like a setting key: letters, digits,
// '_', '-' and '.', starting with a letter.
func isSettingKey(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// resolveURL expands raw, resolves it against base and refuses any host
// other than base's, so that a custom endpoint cannot carry the connector's
// credentials elsewhere (SSRF). Query parameters in extra are appended.
func resolveURL(base *url.URL, raw string, s Settings, extra []KV) (*url.URL, error) {
	path, query, _ := strings.Cut(raw, "?")
	p, err := expandPlaceholders(path, s, url.PathEscape)
	if err != nil {
		return nil, err
	}
	if query != "" {
		q, err := expandPlaceholders(query, s, url.QueryEscape)
		if err != nil {
			return nil, err
		}
		p += "?" + q
	}
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("%w: URL %q does not parse: %v", ErrBadDefinition, raw, err)
	}
	var u *url.URL
	if ref.IsAbs() || ref.Host != "" {
		if !strings.EqualFold(ref.Host, base.Host) || (ref.Scheme != "" && ref.Scheme != base.Scheme) {
			return nil, fmt.Errorf("%w: %s://%s is not %s://%s", ErrForeignHost, ref.Scheme, ref.Host, base.Scheme, base.Host)
		}
		u = ref
		if u.Scheme == "" {
			u.Scheme = base.Scheme
		}
	} else {
		// Relative URLs append to the base path, so that a base of
		// https://host/api and "/v1/user" give https://host/api/v1/user, as
		// API documentation reads.
		u = new(url.URL)
		*u = *base
		u.Path = strings.TrimRight(base.Path, "/") + "/" + strings.TrimLeft(ref.Path, "/")
		u.RawPath = ""
		if ref.RawPath != "" {
			u.RawPath = strings.TrimRight(base.EscapedPath(), "/") + "/" + strings.TrimLeft(ref.RawPath, "/")
		}
		u.RawQuery = ref.RawQuery
	}
	if len(extra) > 0 {
		q := u.Query()
		for _, kv := range extra {
			v, err := expandPlaceholders(kv.Value, s, nil)
			if err != nil {
				return nil, err
			}
			q.Add(kv.Name, v)
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// parseBase validates a base URL from settings.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q must be an absolute http(s) URL such as https://api.example.com/api", ErrInvalidSettings, raw)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
