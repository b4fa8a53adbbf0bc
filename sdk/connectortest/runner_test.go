package connectortest

import (
	"strings"
	"testing"
)

// TestCheckPassesAGoodConnectorOutsideGoTest runs the kit through its own
// runner, as `idbridge plugin conform` does, and lists every check.
func TestCheckPassesAGoodConnectorOutsideGoTest(t *testing.T) {
	srv := tinyApp(t)
	var out strings.Builder
	ok := Check(Config{
		Settings:       map[string]string{"ws": "ws1", "base": srv.URL + "/api", "apiKey": "tiny-key-123"},
		BaseURLSetting: "base",
		Samples:        map[string]map[string]string{"add": {"email": `o'"brien@x.io`}},
	}, InProcess(t, tinyConnector()), &out, true)
	if !ok {
		t.Fatalf("a good connector failed:\n%s", out.String())
	}
	for _, want := range []string{"--- PASS: conformance/endpoints/users", "--- PASS: conformance/errors/http-503", "--- PASS: conformance/steady-state-no-429"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCheckFailsAndNamesTheBrokenChecks runs the kit without a sample for
// the connector's webhook and expects a failure that names that check and
// its fix, and says nothing about the passing ones.
func TestCheckFailsAndNamesTheBrokenChecks(t *testing.T) {
	srv := tinyApp(t)
	c := tinyConnector()
	var out strings.Builder
	ok := Check(Config{
		Settings:       map[string]string{"ws": "ws1", "base": srv.URL + "/api", "apiKey": "tiny-key-123"},
		BaseURLSetting: "base",
	}, InProcess(t, c), &out, false)
	if ok {
		t.Fatalf("a connector without samples passed:\n%s", out.String())
	}
	report := out.String()
	if !strings.Contains(report, "--- FAIL: conformance/webhooks/add") || !strings.Contains(report, `add Config.Samples["add"]`) {
		t.Errorf("the report does not name the failing webhook and the fix:\n%s", report)
	}
	if strings.Contains(report, "PASS") {
		t.Errorf("without -v only failures are reported:\n%s", report)
	}
}

// TestCheckRunsParallelChecksToTheEnd makes sure a parallel sub-check's
// failure reaches its parent even though Run returned before it ended.
func TestCheckRunsParallelChecksToTheEnd(t *testing.T) {
	rep := &report{w: &strings.Builder{}}
	root := newCheck("", nil, rep)
	release := make(chan struct{})
	root.Run("parent", func(t T) {
		t.Run("late", func(t T) {
			t.Parallel()
			<-release
			t.Fatal("failed after its parent's function returned")
		})
		close(release)
	})
	root.wait()
	if !root.Failed() {
		t.Fatal("a parallel sub-check's failure was lost")
	}
}
