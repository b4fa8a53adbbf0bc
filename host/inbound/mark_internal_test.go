package inbound

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// noIntegrations fails every call: the mark bookkeeping must not need a
// connector.
type noIntegrations struct{}

func (noIntegrations) Connector(context.Context, string) (*integrations.Connector, error) {
	return nil, errors.New("no connector in this test")
}

func (noIntegrations) Settings(context.Context, string) (map[string]string, error) {
	return nil, errors.New("no settings in this test")
}

func (noIntegrations) Schema(context.Context, string) ([]integrations.SettingInfo, error) {
	return nil, errors.New("no schema in this test")
}

// undeletable refuses deletes, as a store gone read-only would.
type undeletable struct{ store.Docs }

func (undeletable) Delete(context.Context, string, string) error { return errors.New("read-only") }

func eachBackend(t *testing.T, run func(t *testing.T, docs store.Docs)) {
	t.Run("memory", func(t *testing.T) { run(t, store.NewMemoryDocs()) })
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), sqlite.FileName), sqlite.Options{Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		run(t, s)
	})
}

func markService(t *testing.T, docs store.Docs, now *time.Time) *Service {
	t.Helper()
	s, err := New(Config{Docs: docs, Integrations: noIntegrations{}, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func passed(digest string) *TestResult {
	return &TestResult{IntegrationID: "app", EndpointID: "e", Digest: digest, OK: true,
		Fields: []mapping.Field{{Path: "id", Type: "string", Sample: "u1"}}}
}

func TestMarksAreBoundedNewestKept(t *testing.T) {
	eachBackend(t, func(t *testing.T, docs store.Docs) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		s := markService(t, docs, &now)
		for i := range maxMarks + 3 {
			now = now.Add(time.Second)
			if err := s.markPassed(ctx, passed(fmt.Sprintf("d%03d", i))); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		if err := docs.List(ctx, TestMarkKind, func(string, func(any) error) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != maxMarks {
			t.Fatalf("%d marks stored, want the newest %d", n, maxMarks)
		}
		for i, want := range map[int]bool{0: false, 2: false, 3: true, maxMarks + 2: true} {
			_, err := s.passedMark(ctx, "app", "e", fmt.Sprintf("d%03d", i))
			if got := err == nil; got != want {
				t.Errorf("mark %d kept = %v (%v), want %v", i, got, err, want)
			}
		}
	})
}

func TestAMarkAuthorisesOnlyTheDigestItHolds(t *testing.T) {
	eachBackend(t, func(t *testing.T, docs store.Docs) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		s := markService(t, docs, &now)
		// A document filed under one digest but holding another, as a hand
		// edit or a copy between integrations would leave.
		m := testMark{IntegrationID: "app", EndpointID: "e", Digest: "other", Passed: now}
		if err := docs.Put(ctx, TestMarkKind, markID("app", "mine"), m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.passedMark(ctx, "app", "e", "mine"); !errors.Is(err, ErrNotTested) {
			t.Fatalf("misfiled mark = %v, want ErrNotTested", err)
		}
		if _, err := s.passedMark(ctx, "elsewhere", "e", "other"); !errors.Is(err, ErrNotTested) {
			t.Fatalf("mark of another integration = %v, want ErrNotTested", err)
		}
	})
}

func TestAFailedSweepDoesNotFailTheTest(t *testing.T) {
	eachBackend(t, func(t *testing.T, docs store.Docs) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		s := markService(t, undeletable{docs}, &now)
		if err := s.markPassed(ctx, passed("old")); err != nil {
			t.Fatal(err)
		}
		now = now.Add(TestMarkTTL + time.Second)
		if err := s.markPassed(ctx, passed("new")); err != nil {
			t.Fatalf("mark with a failing sweep = %v, want the mark recorded anyway", err)
		}
		if _, err := s.passedMark(ctx, "app", "e", "new"); err != nil {
			t.Fatalf("fresh mark = %v", err)
		}
		if _, err := s.passedMark(ctx, "app", "e", "old"); !errors.Is(err, ErrNotTested) {
			t.Fatalf("expired mark that could not be removed = %v, want it ignored", err)
		}
	})
}

// unreadable fails reads of marks, as a store losing its database would.
type unreadable struct{ store.Docs }

var errIO = errors.New("disk I/O error")

func (u unreadable) Get(ctx context.Context, kind, id string, v any) error {
	if kind == TestMarkKind {
		return errIO
	}
	return u.Docs.Get(ctx, kind, id, v)
}

func TestAMarkThatCannotBeReadIsAStoreError(t *testing.T) {
	eachBackend(t, func(t *testing.T, docs store.Docs) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		s := markService(t, unreadable{docs}, &now)
		if err := s.markPassed(ctx, passed("d")); err != nil {
			t.Fatal(err)
		}
		_, err := s.passedMark(ctx, "app", "e", "d")
		if !errors.Is(err, errIO) || errors.Is(err, ErrNotTested) {
			t.Fatalf("unreadable mark = %v, want the store's error, not a request to test again", err)
		}
	})
}
