package api

import (
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	in := `{"name":"main","apiKey":"k1","nested":{"bindPassword":"p1","list":[{"client_secret":"s1"}],"url":"https://x"},"authorization":{"pat":"t1"},"count":3}`
	got := string(RedactJSON([]byte(in)))
	for _, secret := range []string{"k1", "p1", "s1", "t1"} {
		if strings.Contains(got, `"`+secret+`"`) {
			t.Errorf("%s survived: %s", secret, got)
		}
	}
	for _, kept := range []string{`"name":"main"`, `"url":"https://x"`, `"count":3`} {
		if !strings.Contains(got, kept) {
			t.Errorf("%s was lost: %s", kept, got)
		}
	}
	if RedactJSON([]byte("not json")) != nil || RedactJSON(nil) != nil {
		t.Error("a body that is not JSON was kept")
	}
	all := string(RedactAll([]byte(`{"pat":"t1","region":"eu"}`)))
	if strings.Contains(all, "t1") || strings.Contains(all, "eu") || !strings.Contains(all, `"pat":"****"`) {
		t.Errorf("RedactAll: %s", all)
	}
}
