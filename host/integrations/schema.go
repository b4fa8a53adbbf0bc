package integrations

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// schema indexes a connector's setting declarations by key.
type schema map[string]*connectorv1.SettingSpec

func newSchema(d *connectorv1.DescribeResponse) schema {
	s := schema{}
	for _, spec := range d.GetSettings() {
		s[spec.GetKey()] = spec
	}
	return s
}

// keys returns the declared keys, sorted, for error messages.
func (s schema) keys(secret bool) []string {
	var out []string
	for k, spec := range s {
		if spec.GetSecret() == secret {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// check validates values for the plain (secret=false) or secret settings
// and returns every problem. An empty value means "remove": refused for a
// required plain setting without a default, which nothing could replace
// (see decision 0221); accepted for a secret, since revoking a key is a
// legitimate change, after which missing reports it.
func (s schema) check(values map[string]string, secret bool) []Problem {
	var problems []Problem
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := values[k]
		spec, ok := s[k]
		switch {
		case !ok:
			problems = append(problems, Problem{k, fmt.Sprintf("the connector has no such setting; known settings: %s",
				strings.Join(s.keys(secret), ", "))})
		case spec.GetSecret() && !secret:
			problems = append(problems, Problem{k, "this setting is secret: set it as authorization, not as a plain setting"})
		case !spec.GetSecret() && secret:
			problems = append(problems, Problem{k, "this setting is not secret: set it as a plain setting"})
		case v == "" && !secret && spec.GetRequired() && spec.GetDefaultValue() == "":
			problems = append(problems, Problem{k, "required: type a value (it has no default to fall back to)"})
		case v == "":
		default:
			if msg := checkValue(spec, v); msg != "" {
				problems = append(problems, Problem{k, msg})
			} else if rows := spec.GetRows(); rows != nil && !spec.GetSecret() {
				problems = append(problems, rowProblems(k, rows, v)...)
			}
		}
	}
	return problems
}

// checkValue checks one value against its declaration. Messages never
// quote a secret value.
func checkValue(spec *connectorv1.SettingSpec, v string) string {
	switch spec.GetType() {
	case connectorv1.SettingType_SETTING_TYPE_INT:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "must be a whole number"
		}
	case connectorv1.SettingType_SETTING_TYPE_BOOL:
		if _, err := strconv.ParseBool(v); err != nil {
			return "must be true or false"
		}
	case connectorv1.SettingType_SETTING_TYPE_URL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "must be an absolute http or https URL"
		}
	case connectorv1.SettingType_SETTING_TYPE_ENUM:
		if !slices.Contains(spec.GetEnumValues(), v) {
			return "must be one of " + strings.Join(spec.GetEnumValues(), ", ")
		}
	}
	if p := spec.GetPattern(); p != "" {
		// The whole value must match, whether or not the connector anchored
		// its pattern.
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			return fmt.Sprintf("the connector declares an invalid pattern (%v); report it to its publisher", err)
		}
		if !re.MatchString(v) {
			if spec.GetSecret() {
				return "does not have the expected format"
			}
			return fmt.Sprintf("%q does not match the expected format %s", v, p)
		}
	}
	return ""
}

// missing returns the required settings with no value and no default.
func (s schema) missing(plain map[string]string, sealed map[string]string) []string {
	out := []string{}
	for k, spec := range s {
		if !spec.GetRequired() || spec.GetDefaultValue() != "" {
			continue
		}
		if spec.GetSecret() && sealed[k] == "" || !spec.GetSecret() && plain[k] == "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
