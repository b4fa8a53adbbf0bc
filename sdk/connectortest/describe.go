package connectortest

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/wire"
)

// placeholder matches {Key} setting placeholders; macro matches %name%.
var (
	placeholder = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9_.-]*)\}`)
	macro       = regexp.MustCompile(`%([A-Za-z][A-Za-z0-9_.-]*)%`)
)

// credentialWords mark settings that must be secret.
var credentialWords = []string{"key", "token", "secret", "password", "credential"}

// describeProblems lists everything wrong with a Describe answer.
func describeProblems(d *connectorv1.DescribeResponse) []string {
	var p []string
	add := func(f string, a ...any) { p = append(p, fmt.Sprintf(f, a...)) }
	if d.GetInfo().GetId() == "" || d.GetInfo().GetName() == "" || d.GetInfo().GetVersion() == "" {
		add("info needs an id, a name and a version: %v", d.GetInfo())
	}
	if d.GetProtocolVersion() != wire.ProtocolVersion {
		add("protocol version %d, this kit speaks %d", d.GetProtocolVersion(), wire.ProtocolVersion)
	}
	if d.GetRateLimit().GetRequestsPerSecond() <= 0 {
		add("no default rate limit: every SaaS API has one; declare it")
	}
	settings := map[string]bool{}
	for _, s := range d.GetSettings() {
		k := strings.ToLower(s.GetKey())
		if k == "" || settings[k] {
			add("setting key %q is empty or declared twice", s.GetKey())
		}
		settings[k] = true
		if s.GetType() == connectorv1.SettingType_SETTING_TYPE_ENUM && len(s.GetEnumValues()) == 0 {
			add("enum setting %q has no values", s.GetKey())
		}
		if s.GetPattern() != "" {
			if _, err := regexp.Compile(s.GetPattern()); err != nil {
				add("setting %q: pattern does not compile: %v", s.GetKey(), err)
			}
		}
		for _, w := range credentialWords {
			if strings.Contains(k, w) && !s.GetSecret() {
				add("setting %q looks like a credential but is not secret", s.GetKey())
			}
		}
		if s.GetSecret() && s.GetDefaultValue() != "" {
			add("secret setting %q has a default value", s.GetKey())
		}
		if d := s.GetDefaultValue(); d != "" {
			if msg := badDefault(s, d); msg != "" {
				add("setting %q: default %q %s", s.GetKey(), d, msg)
			}
		}
	}
	checkURL := func(what, raw string) {
		for _, m := range placeholder.FindAllStringSubmatch(raw, -1) {
			if !settings[strings.ToLower(m[1])] {
				add("%s: placeholder {%s} is not a declared setting", what, m[1])
			}
		}
		sample := macro.ReplaceAllString(placeholder.ReplaceAllString(raw, "x"), "x")
		if _, err := url.Parse(sample); err != nil || raw == "" {
			add("%s: URL %q does not parse", what, raw)
		}
	}
	ids := map[string]bool{}
	for _, e := range d.GetEndpoints() {
		what := "endpoint " + e.GetId()
		if e.GetId() == "" || ids["e"+e.GetId()] {
			add("endpoint id %q is empty or declared twice", e.GetId())
		}
		ids["e"+e.GetId()] = true
		checkURL(what, e.GetUrl())
		if e.GetPaging().GetKind() == connectorv1.PagingKind_PAGING_KIND_UNSPECIFIED {
			add("%s: paging kind unspecified (use NONE for a single call)", what)
		}
		if len(e.GetFields()) == 0 {
			add("%s declares no fields: the admin's mapping screen would be empty", what)
		}
		paths := map[string]bool{}
		for _, f := range e.GetFields() {
			if f.GetPath() == "" || paths[f.GetPath()] {
				add("%s: field path %q is empty or declared twice", what, f.GetPath())
			}
			paths[f.GetPath()] = true
		}
		if pk := e.GetPrimaryKey(); pk != "" && !paths[pk] {
			add("%s: primary key %q is not a declared field", what, pk)
		}
	}
	for _, w := range d.GetWebhooks() {
		what := "webhook " + w.GetId()
		if w.GetId() == "" || ids["w"+w.GetId()] {
			add("webhook id %q is empty or declared twice", w.GetId())
		}
		ids["w"+w.GetId()] = true
		checkURL(what, w.GetUrl())
		switch w.GetMethod() {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			add("%s: method %q", what, w.GetMethod())
		}
		if w.GetBody() != "" && w.GetMessageType() == connectorv1.MessageType_MESSAGE_TYPE_UNSPECIFIED {
			add("%s has a body but no message type", what)
		}
		for _, o := range w.GetOutputs() {
			if o.GetName() == "" {
				add("%s: an output has no name", what)
			}
		}
	}
	return p
}

// badDefault says why a default value does not fit its own setting.
func badDefault(s *connectorv1.SettingSpec, d string) string {
	switch s.GetType() {
	case connectorv1.SettingType_SETTING_TYPE_INT:
		if _, err := strconv.ParseFloat(d, 64); err != nil {
			return "is not a number"
		}
	case connectorv1.SettingType_SETTING_TYPE_BOOL:
		if _, err := strconv.ParseBool(d); err != nil {
			return "is not true or false"
		}
	case connectorv1.SettingType_SETTING_TYPE_URL:
		if u, err := url.Parse(d); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return "is not an http(s) URL"
		}
	case connectorv1.SettingType_SETTING_TYPE_ENUM:
		if !slices.Contains(s.GetEnumValues(), d) {
			return "is not one of the enum values"
		}
	}
	if p := s.GetPattern(); p != "" {
		if re, err := regexp.Compile(p); err == nil && !re.MatchString(d) {
			return "does not match the setting's pattern"
		}
	}
	return ""
}
