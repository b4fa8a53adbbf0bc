package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/app/apptest"
	"github.com/idbridge/idbridge/host/store"
)

// refusingStore refuses document writes while full is set, as a store on a
// full disk does.
type refusingStore struct {
	store.Backend
	full *atomic.Bool
}

func (s refusingStore) Put(ctx context.Context, kind, id string, v any) error {
	if s.full.Load() {
		return errors.New("database or disk is full (13)")
	}
	return s.Backend.Put(ctx, kind, id, v)
}

// TestReadyzFailsWhileTheStoreCannotWrite: /readyz answers 503 with the
// reason while the store refuses writes, and 200 again once it takes them.
func TestReadyzFailsWhileTheStoreCannotWrite(t *testing.T) {
	full := &atomic.Bool{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Store: refusingStore{store.NewMemory(nil), full}, StoreProbeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	base, done := apptest.Serve(t, ctx, a)
	full.Store(true)
	status, body := readyz(t, base)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "store cannot write") || !strings.Contains(body, "disk is full") {
		t.Fatalf("/readyz with a full disk = %d %s; want 503 naming the store", status, body)
	}
	full.Store(false)
	if status, body := readyz(t, base); status != http.StatusOK {
		t.Fatalf("/readyz after the disk has room = %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
