//go:build linux

package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
)

// keyEnv returns a Getenv that hands out a fixed master key.
func keyEnv(b byte) func(string) string {
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune('a'+b)), 32)))
	return func(name string) string {
		if name == "IDBRIDGE_MASTER_KEY" {
			return key
		}
		return ""
	}
}

// openShared opens a store on one schema of the test database.
func openShared(t *testing.T, srv pgtest.Server, schema string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), srv.URL, srv.Options(schema, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSharedStoreRefusesAForeignMasterKey starts two hosts on one shared
// store with the same key, then a third with another key: it is refused
// before it could seal anything the others cannot open.
func TestSharedStoreRefusesAForeignMasterKey(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	for i, key := range []byte{1, 1} {
		a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Store: openShared(t, srv, schema), Getenv: keyEnv(key)})
		if err != nil {
			t.Fatalf("host %d with the store's key: %v", i, err)
		}
		a.Close()
	}
	_, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Store: openShared(t, srv, schema), Getenv: keyEnv(2)})
	if !errors.Is(err, secrets.ErrForeignMasterKey) {
		t.Fatalf("a host with another master key: %v, want ErrForeignMasterKey", err)
	}
}

// TestReadyzReportsTheStore serves a host on PostgreSQL and then takes the
// database away: /readyz turns 503 and says why.
func TestReadyzReportsTheStore(t *testing.T) {
	srv := pgtest.Need(t)
	st := openShared(t, srv, pgtest.NewSchema(t, srv))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Store: st, Getenv: keyEnv(1)})
	if err != nil {
		t.Fatal(err)
	}
	base, done := apptest.Serve(t, ctx, a)
	st.Close()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "store") {
		t.Fatalf("/readyz with the store gone: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// TestMetricsShowLeasesAndThisHostsShare scrapes /metrics of a host on a
// shared store: the lease and queue-share series are there.
func TestMetricsShowLeasesAndThisHostsShare(t *testing.T) {
	srv := pgtest.Need(t)
	st := openShared(t, srv, pgtest.NewSchema(t, srv))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Store: st, Getenv: keyEnv(1), DemoDirectory: true})
	if err != nil {
		t.Fatal(err)
	}
	base, done := apptest.Serve(t, ctx, a)
	// Each lease is taken as its work starts, independently of the others;
	// wait for /readyz to show both that the scrape below counts.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Store  string            `json:"store"`
			Leases map[string]string `json:"leases"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if body.Leases["watcher"] == "held here" && body.Leases["scheduler"] == "held here" && body.Store == "postgres" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never showed the watcher and scheduler leases held here: %+v", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`idbridge_lease_held{lease="watcher"} 1`, `idbridge_lease_acquisitions_total{lease="scheduler"} 1`,
		`idbridge_lease_takeovers_total{lease="watcher"} 0`, `idbridge_queue_held_by_host{state="sending"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	<-done
}
