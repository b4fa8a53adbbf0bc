//go:build linux

package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestAppAndDownloadFailuresAreNotInternalErrors makes the app refuse a
// sync plan (its key is revoked behind the host's back) and checks the
// plan answers 502 with the app's status and message, in the plain answer
// and in the ndjson stream; then installs from a missing file, a file://
// URL and a dead URL: 400, 400 and 502, never 500.
func TestAppAndDownloadFailuresAreNotInternalErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	// The app as the host sees it: the sandbox, until the test revokes
	// the key; then every call gets Clockify's 401.
	var revoked atomic.Bool
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if revoked.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Full authentication is required to access this resource","code":1000}`))
			return
		}
		sb.Handler().ServeHTTP(w, r)
	}))
	defer app.Close()
	dist, devKey := clockifyCatalog(ctx, t)
	h := startHost(t)
	do := func(method, path, body string) {
		t.Helper()
		if st, out := apptest.Send(t, h.base, method, path, h.admin, body); st >= 300 {
			t.Fatalf("%s %s: %d %.400s", method, path, st, out)
		}
	}
	do("POST", "/v1/extension-keys", `{"name":"dev","public_key":`+quote(string(devKey))+`}`)
	do("POST", "/v1/catalogs", `{"name":"dev","location":`+quote(dist)+`}`)
	do("POST", "/v1/extensions", `{"name":"clockify"}`)
	do("POST", "/v1/integrations", `{"id":"ck","extension_id":"clockify","settings":{"`+clockify.SettingWorkspaceID+`":"`+sandbox.DefaultWorkspaceID+
		`","`+clockify.SettingBaseURL+`":"`+app.URL+`"}}`)
	do("PATCH", "/v1/integrations/ck/authorization", `{"`+clockify.SettingAPIKey+`":"`+sandbox.DefaultAdminKey+`"}`)
	do("POST", "/v1/integrations/ck/enable", "")
	do("POST", "/v1/datasources", `{"id":"people","name":"People","category":"update users",
		"endpoints":[{"alias":"users","integrationId":"ck","endpointId":"list-users","primaryKey":"id"}],
		"mappings":[{"field":{"endpoint":"users","path":"name"},"attribute":"displayName"}],
		"match":{"field":{"endpoint":"users","path":"email"},"attribute":"mail","caseInsensitive":true},
		"options":{},"scope":{"base":"OU=Staff,DC=demo,DC=idbridge,DC=test"}}`)
	revoked.Store(true)

	st, raw := apptest.Send(t, h.base, "POST", "/v1/datasources/people/plan", h.admin, "")
	var plain struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(raw, &plain)
	if st != http.StatusBadGateway || plain.Error.Code != "app_error" || !strings.Contains(plain.Error.Message, "401") ||
		!strings.Contains(plain.Error.Message, "authentication") {
		t.Errorf("a plan the app refuses: %d %.400s; want 502 app_error with the app's 401 and message", st, raw)
	}
	st, raw = apptest.Send(t, h.base, "POST", "/v1/datasources/people/plan?stream=ndjson", h.admin, "")
	var last struct {
		Error *struct {
			Status        int
			Code, Message string
		} `json:"error"`
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		_ = json.Unmarshal(sc.Bytes(), &last)
	}
	if st != http.StatusOK || last.Error == nil || last.Error.Status != http.StatusBadGateway || !strings.Contains(last.Error.Message, "401") {
		t.Errorf("the streamed plan's last event: %d %.600s; want an error event with status 502 and the app's 401", st, raw)
	}

	// Installing from what cannot be had.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String() + "/x.ext"
	dead.Close()
	for _, c := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"a missing file", `{"file":` + quote(filepath.Join(t.TempDir(), "none.ext")) + `}`, http.StatusBadRequest, "invalid_source"},
		{"a file:// URL", `{"url":"file:///etc/passwd"}`, http.StatusBadRequest, "invalid_request"},
		{"a dead URL", `{"url":"` + deadURL + `"}`, http.StatusBadGateway, "download_failed"},
	} {
		st, raw := apptest.Send(t, h.base, "POST", "/v1/extensions", h.admin, c.body)
		if st != c.status || !strings.Contains(string(raw), c.code) {
			t.Errorf("install from %s: %d %.300s; want %d %s", c.name, st, raw, c.status, c.code)
		}
	}
}
