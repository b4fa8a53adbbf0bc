package sdk

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// SettingType says how the host renders and validates a setting.
type SettingType = connectorv1.SettingType

// Setting types, re-exported so that a declaration needs only this package.
const (
	String = connectorv1.SettingType_SETTING_TYPE_STRING
	Int    = connectorv1.SettingType_SETTING_TYPE_INT
	Bool   = connectorv1.SettingType_SETTING_TYPE_BOOL
	URL    = connectorv1.SettingType_SETTING_TYPE_URL
	Enum   = connectorv1.SettingType_SETTING_TYPE_ENUM
)

// Setting declares one value an admin provides.
type Setting struct {
	// Key names the setting in settings maps and as {Key} in URLs.
	Key         string
	Label       string
	Description string
	Type        SettingType
	Required    bool
	// Secret values are masked in every exchange the connector reports.
	Secret  bool
	Default string
	// Enum lists the allowed values of an Enum setting.
	Enum []string
	// Pattern is a regular expression the value must match, if set.
	Pattern string
	// Rows, if set, makes the value a table of rows "key -> value" the
	// connector reads as data (e.g. AD group -> role). The host refuses a
	// row without a key, or whose value is not among Rows.Values, when the
	// admin saves the settings, naming the row, so a mistyped value never
	// reaches a template that would silently ignore it. See decision 0219.
	Rows *SettingRows
}

// SettingRows declares a table setting: what its rows are called in the
// error that refuses one, and the values a row may give.
type SettingRows struct {
	// Name is what the admin calls the table, e.g. "Role table".
	Name string
	// KeyNoun is what a row's key is, e.g. "AD group". A key holding "="
	// must parse as an LDAP DN.
	KeyNoun string
	// ValueNoun is what a row's value is, e.g. "role Clockify gives".
	ValueNoun string
	// Values are the values a row may give, compared without regard to
	// case.
	Values []string
}

// declaredSettings is Settings followed by the standard settings the SDK
// declares for the connector, always in this order: the base URL
// (BaseURL.Setting), the credentials (an Auth from DescribedAuth) and the
// request rate (RateLimit.Setting). A key Settings already declares is left
// to the connector. See decision 0207.
func (c Connector) declaredSettings() []Setting {
	out := slices.Clip(c.Settings)
	add := func(s Setting) {
		if s.Key != "" && !slices.ContainsFunc(out, func(d Setting) bool { return d.Key == s.Key }) {
			out = append(out, s)
		}
	}
	if b := c.BaseURL; b.Setting != "" {
		add(Setting{Key: b.Setting, Label: cmp.Or(b.Label, "Base URL"), Type: URL, Default: b.Default,
			Required: b.Default == "", Description: b.Description})
	}
	if a, ok := c.Auth.(describedAuth); ok {
		for _, k := range a.SecretSettings() {
			add(Setting{Key: k, Label: a.label, Type: String, Required: true, Secret: true, Description: a.description})
		}
	}
	if k := c.RateLimit.Setting; k != "" {
		add(Setting{Key: k, Label: "Requests per second", Type: Int,
			Default: strconv.FormatFloat(c.RateLimit.PerSecond, 'f', -1, 64), Description: c.RateLimit.Description})
	}
	return out
}

// Settings are the values of one integration, defaults applied.
type Settings map[string]string

// Get returns the value of key, or "".
func (s Settings) Get(key string) string { return s[key] }

// resolveSettings applies defaults and validates every declared setting. The
// error lists every problem at once so an admin fixes them in one pass.
func resolveSettings(decl []Setting, given map[string]string) (Settings, error) {
	out := make(Settings, len(given)+len(decl))
	for k, v := range given {
		out[k] = v
	}
	var problems []string
	for _, d := range decl {
		v := strings.TrimSpace(out[d.Key])
		if v == "" {
			v = d.Default
		}
		out[d.Key] = v
		if v == "" {
			if d.Required {
				problems = append(problems, fmt.Sprintf("%s (%s) is required", d.label(), d.Key))
			}
			continue
		}
		if p := d.check(v); p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("%w: %s", ErrInvalidSettings, strings.Join(problems, "; "))
	}
	return out, nil
}

// check validates one non-empty value against the declaration.
func (d Setting) check(v string) string {
	switch d.Type {
	case Int:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Sprintf("%s (%s) must be a number, got %q", d.label(), d.Key, v)
		}
	case Bool:
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Sprintf("%s (%s) must be true or false, got %q", d.label(), d.Key, v)
		}
	case URL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Sprintf("%s (%s) must be an http(s) URL such as https://host/path, got %q", d.label(), d.Key, v)
		}
	case Enum:
		if !slices.Contains(d.Enum, v) {
			return fmt.Sprintf("%s (%s) must be one of %s, got %q", d.label(), d.Key, strings.Join(d.Enum, ", "), v)
		}
	}
	if d.Pattern != "" {
		if re, err := regexp.Compile(d.Pattern); err == nil && !re.MatchString(v) {
			shown := v
			if d.Secret {
				shown = "****"
			}
			return fmt.Sprintf("%s (%s) must match %s, got %q", d.label(), d.Key, d.Pattern, shown)
		}
	}
	return ""
}

func (d Setting) label() string {
	if d.Label != "" {
		return d.Label
	}
	return d.Key
}

// proto converts the declaration for Describe.
func (d Setting) proto() *connectorv1.SettingSpec {
	t := d.Type
	if t == connectorv1.SettingType_SETTING_TYPE_UNSPECIFIED {
		t = String
	}
	return &connectorv1.SettingSpec{
		Key: d.Key, Label: d.Label, Description: d.Description, Type: t,
		Required: d.Required, Secret: d.Secret, DefaultValue: d.Default,
		EnumValues: d.Enum, Pattern: d.Pattern, Rows: d.Rows.proto(),
	}
}

func (r *SettingRows) proto() *connectorv1.SettingRows {
	if r == nil {
		return nil
	}
	return &connectorv1.SettingRows{Name: r.Name, KeyNoun: r.KeyNoun, ValueNoun: r.ValueNoun, Values: r.Values}
}
