package sdk

import (
	"net/http"
	"strings"
	"testing"
)

// TestRateLimitSettingIsDeclaredForTheConnector checks that a connector
// naming RateLimit.Setting gets that setting declared once, with the
// budget as its default, and that its own declaration wins.
func TestRateLimitSettingIsDeclaredForTheConnector(t *testing.T) {
	c := testConnector("http://app.test")
	c.RateLimit.Setting, c.RateLimit.PerSecond, c.RateLimit.Description = "rateLimit", 2.5, "The app allows 2.5 calls a second."
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	got := c.Describe().GetSettings()
	if len(got) != len(c.Settings)+1 {
		t.Fatalf("settings = %v, want the declared ones and rateLimit", got)
	}
	last := got[len(got)-1]
	if last.GetKey() != "rateLimit" || last.GetType() != Int || last.GetDefaultValue() != "2.5" ||
		last.GetLabel() != "Requests per second" || last.GetDescription() != c.RateLimit.Description || last.GetRequired() {
		t.Fatalf("declared rate-limit setting = %v", last)
	}
	values, err := resolveSettings(c.declaredSettings(), testSettings("http://app.test"))
	if err != nil || values.Get("rateLimit") != "2.5" {
		t.Fatalf("resolved rateLimit = %q, %v; want the default 2.5", values.Get("rateLimit"), err)
	}
	if _, err := resolveSettings(c.declaredSettings(), map[string]string{"workspaceId": "ws1", "apiKey": testKey, "rateLimit": "fast"}); err == nil {
		t.Fatal("a rateLimit that is no number was accepted")
	}

	c.Settings = append(c.Settings, Setting{Key: "rateLimit", Label: "Calls per second", Type: Int, Default: "1"})
	got = c.Describe().GetSettings()
	if len(got) != len(c.Settings) || got[len(got)-1].GetLabel() != "Calls per second" {
		t.Fatalf("with rateLimit declared, settings = %v; want the connector's own, once", got)
	}
}

// TestStandardSettingsAreDeclaredInAFixedOrder checks that the base URL
// and the credential of a DescribedAuth are declared by the SDK after the
// connector's own settings and before the rate limit, with what admins
// see, and that a connector's own declaration of a key wins.
func TestStandardSettingsAreDeclaredInAFixedOrder(t *testing.T) {
	c := Connector{
		Info:      Info{ID: "app", Name: "App", Version: "1.0.0"},
		Settings:  []Setting{{Key: "workspaceId", Label: "Workspace", Required: true}},
		BaseURL:   BaseURL{Setting: "baseUrl", Description: "Where the app's API lives."},
		Auth:      DescribedAuth(BearerAuth("token"), "Token", "The app's API token."),
		RateLimit: RateLimit{PerSecond: 3, Setting: "rate"},
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("a connector leaving its credential to the SDK fails validation: %v", err)
	}
	got := c.Describe().GetSettings()
	var keys []string
	for _, s := range got {
		keys = append(keys, s.GetKey())
	}
	if strings.Join(keys, ",") != "workspaceId,baseUrl,token,rate" {
		t.Fatalf("settings = %v, want workspaceId,baseUrl,token,rate", keys)
	}
	if b := got[1]; b.GetType() != URL || !b.GetRequired() || b.GetLabel() != "Base URL" || b.GetDescription() != "Where the app's API lives." {
		t.Errorf("declared base URL setting = %v; want a required URL labelled Base URL with the description", b)
	}
	if a := got[2]; a.GetType() != String || !a.GetRequired() || !a.GetSecret() || a.GetLabel() != "Token" || a.GetDescription() != "The app's API token." {
		t.Errorf("declared credential setting = %v; want a required secret with the label and description", a)
	}
	if _, err := resolveSettings(c.declaredSettings(), map[string]string{"workspaceId": "w"}); err == nil ||
		!strings.Contains(err.Error(), "Base URL (baseUrl) is required") || !strings.Contains(err.Error(), "Token (token) is required") {
		t.Errorf("settings without base URL and token: err = %v; want both named as required", err)
	}

	c.BaseURL.Default, c.BaseURL.Label = "https://api.app.test", "API root"
	if b := c.Describe().GetSettings()[1]; b.GetRequired() || b.GetDefaultValue() != "https://api.app.test" || b.GetLabel() != "API root" {
		t.Errorf("base URL with a default = %v; want optional, defaulted, labelled API root", b)
	}
	c.Settings = append(c.Settings, Setting{Key: "token", Label: "Own token", Secret: true})
	got = c.Describe().GetSettings()
	if len(got) != 4 || got[1].GetLabel() != "Own token" {
		t.Fatalf("with token declared, settings = %v; want the connector's own, once", got)
	}
	values := map[string]string{"workspaceId": "w", "token": "s3cret"}
	rs, err := resolveSettings(c.declaredSettings(), values)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := c.Auth.Apply(h, rs); err != nil || h.Get("Authorization") != "Bearer s3cret" {
		t.Errorf("DescribedAuth applied %q, %v; want the bearer token", h.Get("Authorization"), err)
	}
}

// TestTableSettingIsDeclaredWithItsRows checks that a table setting's
// words and values reach the host, which refuses bad rows with them, and
// that a table without values, or a secret one, is refused at build time.
func TestTableSettingIsDeclaredWithItsRows(t *testing.T) {
	c := testConnector("http://app.test")
	rows := &SettingRows{Name: "Role table", KeyNoun: "AD group", ValueNoun: "role the app gives", Values: []string{"ADMIN", "MANAGER"}}
	c.Settings = append(c.Settings, Setting{Key: "roleTable", Type: String, Rows: rows})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range c.Describe().GetSettings() {
		if r := s.GetRows(); r != nil {
			got = append(got, s.GetKey(), r.GetName(), r.GetKeyNoun(), r.GetValueNoun(), strings.Join(r.GetValues(), ","))
		}
	}
	if strings.Join(got, "|") != "roleTable|Role table|AD group|role the app gives|ADMIN,MANAGER" {
		t.Fatalf("declared tables = %q", got)
	}
	for _, bad := range []Setting{
		{Key: "roleTable", Type: String, Rows: &SettingRows{Name: "Role table"}},
		{Key: "roleTable", Type: String, Secret: true, Rows: rows},
		{Key: "roleTable", Type: Int, Rows: rows},
	} {
		c.Settings[len(c.Settings)-1] = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "roleTable") {
			t.Errorf("table %+v: Validate = %v; want it refused", bad, err)
		}
	}
}
