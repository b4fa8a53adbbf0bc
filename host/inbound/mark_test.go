package inbound_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/host/sync/synctest"
)

// clock is a settable clock, so marks expire without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// backend opens an empty store; restart closes it and opens it again as a
// host restart would, returning the store the next service runs over.
type backend struct {
	name string
	open func(t *testing.T) (docs store.Docs, restart func() store.Docs)
}

var backends = []backend{
	{"memory", func(*testing.T) (store.Docs, func() store.Docs) {
		// The memory store does not outlive a process; what it shows is
		// that the new service reads the marks from the store and not
		// from memory of its own.
		d := store.NewMemoryDocs()
		return d, func() store.Docs { return d }
	}},
	{"sqlite", func(t *testing.T) (store.Docs, func() store.Docs) {
		path := filepath.Join(t.TempDir(), sqlite.FileName)
		open := func() *sqlite.Store {
			s, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL"})
			if err != nil {
				t.Fatalf("open the store: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
		s := open()
		return s, func() store.Docs {
			if err := s.Close(); err != nil {
				t.Fatalf("close the store: %v", err)
			}
			s = open()
			return s
		}
	}},
}

// failingMarks refuses writes of test marks, as a full disk would.
type failingMarks struct {
	store.Docs
}

var errDiskFull = errors.New("disk full")

func (f failingMarks) Put(ctx context.Context, kind, id string, v any) error {
	if kind == inbound.TestMarkKind {
		return errDiskFull
	}
	return f.Docs.Put(ctx, kind, id, v)
}

func newService(t *testing.T, env *synctest.Env, docs store.Docs, clk *clock) *inbound.Service {
	t.Helper()
	s, err := inbound.New(inbound.Config{Docs: docs, Integrations: env.Integrations, Masker: env.Masker,
		Logger: env.Logger.Named("inbound"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func countMarks(t *testing.T, docs store.Docs) int {
	t.Helper()
	n := 0
	err := docs.List(context.Background(), inbound.TestMarkKind, func(string, func(any) error) error {
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPassedTestsAreRecordedInTheStore runs every scenario over each
// backend, against one sandbox and connector.
func TestPassedTestsAreRecordedInTheStore(t *testing.T) {
	env := startEnv(t)
	scenarios := []struct {
		name string
		run  func(t *testing.T, env *synctest.Env, b backend)
	}{
		{"SaveAfterRestart", testSaveAfterRestart},
		{"ChangedDefinitionRefusedAfterRestart", testChangedDefinitionRefused},
		{"ExpiredMarkRefusedAndRemoved", testExpiredMarkRefused},
		{"MarkWriteFailureIsAnError", testMarkWriteFailureIsAnError},
	}
	for _, b := range backends {
		for _, sc := range scenarios {
			t.Run(b.name+"/"+sc.name, func(t *testing.T) { sc.run(t, env, b) })
		}
	}
}

func testSaveAfterRestart(t *testing.T, env *synctest.Env, b backend) {
	ctx := ctxT(t)
	clk := &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}
	docs, restart := b.open(t)
	def := groupsDef()
	res, err := newService(t, env, docs, clk).Test(ctx, integ, def)
	if err != nil || !res.OK {
		t.Fatalf("test = %+v, %v", res, err)
	}
	testedAt := clk.Now()

	clk.Add(2 * time.Hour) // longer than the memory-only marks lived
	after := newService(t, env, restart(), clk)
	e, err := after.Save(ctx, integ, def, false)
	if err != nil {
		t.Fatalf("save after a restart = %v, want the test before it to count", err)
	}
	if !e.Tested.Equal(testedAt) || e.Digest != res.Digest || len(e.Fields) != len(res.Fields) || len(e.Fields) == 0 {
		t.Fatalf("saved %+v; want the fields and time of the test at %s (%d fields, digest %s)", e, testedAt, len(res.Fields), res.Digest)
	}
	got, err := after.Get(ctx, integ, def.ID)
	if err != nil || !got.Custom || got.FieldsFrom != "test" {
		t.Fatalf("stored endpoint = %+v, %v", got, err)
	}
}

func testChangedDefinitionRefused(t *testing.T, env *synctest.Env, b backend) {
	ctx := ctxT(t)
	clk := &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}
	docs, restart := b.open(t)
	def := groupsDef()
	if res, err := newService(t, env, docs, clk).Test(ctx, integ, def); err != nil || !res.OK {
		t.Fatalf("test = %+v, %v", res, err)
	}
	after := newService(t, env, restart(), clk)
	changed := def
	changed.Paging.PageSize = 50
	if _, err := after.Save(ctx, integ, changed, false); !errors.Is(err, inbound.ErrNotTested) || !strings.Contains(err.Error(), "test and save") {
		t.Fatalf("save of a changed definition = %v, want ErrNotTested saying what to do", err)
	}
	if _, err := after.Get(ctx, integ, def.ID); !errors.Is(err, inbound.ErrUnknownEndpoint) {
		t.Fatalf("the refused save stored the endpoint: %v", err)
	}
	// The mark of the tested form still stands.
	if _, err := after.Save(ctx, integ, def, false); err != nil {
		t.Fatalf("save of the tested form = %v", err)
	}
}

func testExpiredMarkRefused(t *testing.T, env *synctest.Env, b backend) {
	ctx := ctxT(t)
	clk := &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}
	docs, restart := b.open(t)
	def := groupsDef()
	if res, err := newService(t, env, docs, clk).Test(ctx, integ, def); err != nil || !res.OK {
		t.Fatalf("test = %+v, %v", res, err)
	}
	docs = restart()
	after := newService(t, env, docs, clk)

	clk.Add(inbound.TestMarkTTL - time.Minute)
	if _, err := after.Save(ctx, integ, def, false); err != nil {
		t.Fatalf("save a minute before the mark expires = %v", err)
	}
	clk.Add(2 * time.Minute)
	_, err := after.Save(ctx, integ, def, true)
	if !errors.Is(err, inbound.ErrNotTested) || !strings.Contains(err.Error(), "test and save") || !strings.Contains(err.Error(), "24 hours ago") {
		t.Fatalf("save a minute after the mark expired = %v, want ErrNotTested saying what to do and why", err)
	}
	if n := countMarks(t, docs); n != 0 {
		t.Fatalf("%d marks left after the expired one was found, want it removed", n)
	}

	// An expired mark is also swept when another test is recorded.
	other := def
	other.ID, other.PrimaryKey = "groups-by-name", "name"
	if res, err := after.Test(ctx, integ, def); err != nil || !res.OK {
		t.Fatalf("test = %+v, %v", res, err)
	}
	clk.Add(inbound.TestMarkTTL + time.Second)
	if res, err := after.Test(ctx, integ, other); err != nil || !res.OK {
		t.Fatalf("test = %+v, %v", res, err)
	}
	if n := countMarks(t, docs); n != 1 {
		t.Fatalf("%d marks after a new test, want only the fresh one", n)
	}
	if _, err := after.Save(ctx, integ, other, false); err != nil {
		t.Fatalf("save of the fresh test = %v", err)
	}
}

func testMarkWriteFailureIsAnError(t *testing.T, env *synctest.Env, b backend) {
	ctx := ctxT(t)
	clk := &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}
	docs, _ := b.open(t)
	svc := newService(t, env, failingMarks{docs}, clk)
	def := groupsDef()

	res, err := svc.Test(ctx, integ, def)
	if !errors.Is(err, inbound.ErrTestNotRecorded) || !errors.Is(err, errDiskFull) {
		t.Fatalf("test whose mark cannot be written = %v, want ErrTestNotRecorded wrapping the store's error", err)
	}
	if res == nil || !res.OK || res.Exchange == nil {
		t.Fatalf("result = %+v, want the passed test's exchange shown with the error", res)
	}
	if _, err := svc.Save(ctx, integ, def, false); !errors.Is(err, inbound.ErrNotTested) {
		t.Fatalf("save after an unrecorded test = %v, want ErrNotTested", err)
	}
	if _, _, err := svc.TestAndSave(ctx, integ, def, false); !errors.Is(err, inbound.ErrTestNotRecorded) {
		t.Fatalf("test and save whose mark cannot be written = %v, want ErrTestNotRecorded", err)
	}
	if _, err := svc.Get(ctx, integ, def.ID); !errors.Is(err, inbound.ErrUnknownEndpoint) {
		t.Fatalf("an unrecorded test saved the endpoint: %v", err)
	}
}
