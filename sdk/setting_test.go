package sdk

import "testing"

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
