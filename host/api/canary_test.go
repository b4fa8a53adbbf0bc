//go:build linux

package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestCanaryKeyNeverLandsInTheDataFolder gives an integration a canary
// API key that the app also echoes in a user's name, drives a whole
// scenario (install, enable, test, inbound test and save, custom
// endpoint, webhook test, data source plan and apply), then plants a raw
// sample as a host before masking stored it, restarts the host so the
// migration masks it, stops it (the store checkpoints its log) and
// reads every byte of the data folder, database pages included: the
// canary must be nowhere, and no API answer may show it.
func TestCanaryKeyNeverLandsInTheDataFolder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	raw := make([]byte, 12)
	_, _ = rand.Read(raw)
	canary := "canary-" + hex.EncodeToString(raw)

	seed := sandbox.DefaultSeed()
	for i := range seed.APIKeys {
		if seed.APIKeys[i].Key == sandbox.DefaultAdminKey {
			seed.APIKeys[i].Key = canary
		}
	}
	seed.Workspaces[0].Users[0].Name = canary // the app echoes the key in a field
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: -1, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dist, devKey := clockifyCatalog(ctx, t)

	dir := t.TempDir()
	h, stop := startHostIn(t, dir)
	var answers bytes.Buffer
	do := func(method, path string, body string) []byte {
		t.Helper()
		st, out := apptest.Send(t, h.base, method, path, h.admin, body)
		if st >= 300 {
			t.Fatalf("%s %s: %d %.400s", method, path, st, out)
		}
		answers.Write(out)
		return out
	}
	do("POST", "/v1/extension-keys", `{"name":"dev","public_key":`+quote(string(devKey))+`}`)
	do("POST", "/v1/catalogs", `{"name":"dev","location":`+quote(dist)+`}`)
	do("POST", "/v1/extensions", `{"name":"clockify"}`)
	do("POST", "/v1/integrations", `{"id":"ck","extension_id":"clockify","settings":{"`+clockify.SettingWorkspaceID+`":"`+sandbox.DefaultWorkspaceID+
		`","`+clockify.SettingBaseURL+`":"`+sb.BaseURL()+`"}}`)
	do("PATCH", "/v1/integrations/ck/authorization", `{"`+clockify.SettingAPIKey+`":"`+canary+`"}`)
	do("POST", "/v1/integrations/ck/enable", "")
	do("POST", "/v1/integrations/ck/test", "")
	tested := do("POST", "/v1/integrations/ck/inbound/list-users/test?save=true", "")
	if !bytes.Contains(tested, []byte(`"sample": "****"`)) {
		t.Errorf("the tested fields do not show the echoed key masked: %.1500s", tested)
	}
	custom := `{"id":"people","name":"People (custom)","url":"/v1/workspaces/{WorkspaceID}/users","primaryKey":"id"}`
	do("POST", "/v1/integrations/ck/inbound/test", custom)
	do("POST", "/v1/integrations/ck/inbound", custom)
	do("PUT", "/v1/integrations/ck/inbound/people", custom) // a clean re-save
	do("GET", "/v1/integrations/ck/inbound", "")
	do("GET", "/v1/integrations/ck/inbound/people", "")
	do("POST", "/v1/integrations/ck/webhooks/test", `{"webhook":{"id":"`+clockify.WebhookFindUserByEmail+`"},"inputs":{"email":"%ad.mail%"},`+
		`"objects":["CN=Nora Quinn,OU=Engineering,OU=Staff,DC=demo,DC=idbridge,DC=test"]}`)
	ds := `{"id":"people","name":"People","category":"update users",
		"endpoints":[{"alias":"users","integrationId":"ck","endpointId":"list-users","primaryKey":"id"}],
		"mappings":[{"field":{"endpoint":"users","path":"name"},"attribute":"description"}],
		"match":{"field":{"endpoint":"users","path":"email"},"attribute":"mail","caseInsensitive":true},
		"options":{},"scope":{"base":"OU=Staff,DC=demo,DC=idbridge,DC=test"}}`
	do("POST", "/v1/datasources", ds)
	do("POST", "/v1/datasources/people/plan", "")
	do("POST", "/v1/datasources/people/apply?confirm=true", "")
	do("GET", "/v1/datasources/people/runs", "")
	do("GET", "/v1/audit", "")
	if i := bytes.Index(answers.Bytes(), []byte(canary)); i >= 0 {
		t.Errorf("an API answer shows the key: …%s…", answers.Bytes()[max(0, i-300):i])
	}
	stop()
	noCanaryIn(t, dir, canary)

	// A host before masking stored raw samples; the next start masks them.
	// The document spans overflow pages, which the masked copy no longer
	// needs: the freed pages must not keep the old text.
	st, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	legacy := inbound.Endpoint{Definition: inbound.Definition{ID: "legacy", Name: "Legacy"}, IntegrationID: "ck", Custom: true}
	for i := range 400 {
		legacy.Fields = append(legacy.Fields, mapping.Field{Path: fmt.Sprintf("keys[%d].apiKey", i), Type: "string", Sample: canary})
	}
	if err := st.Put(ctx, inbound.Kind, "ck/legacy", legacy); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "inbound-migration", "samples-masked-v1"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	h, stop = startHostIn(t, dir)
	if _, out := apptest.Send(t, h.base, "GET", "/v1/integrations/ck/inbound", h.admin, ""); bytes.Contains(out, []byte(canary)) {
		t.Errorf("a stored raw sample is still shown after the migration")
	}
	stop()
	noCanaryIn(t, dir, canary)
}

// noCanaryIn fails the test for every file under dir that holds canary.
func noCanaryIn(t *testing.T, dir, canary string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(canary)) {
			rel, _ := filepath.Rel(dir, p)
			t.Errorf("the data folder's %s holds the API key in clear", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
