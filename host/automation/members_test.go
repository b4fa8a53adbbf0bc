package automation_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

// flakyDocs fails every scope record written after the first ok ones.
type flakyDocs struct {
	*store.MemoryDocs
	ok      int64
	written atomic.Int64
}

var errDiskFull = errors.New("disk full")

func (d *flakyDocs) Put(ctx context.Context, kind, id string, v any) error {
	if kind == "automation.member" && d.written.Add(1) > d.ok {
		return errDiskFull
	}
	return d.MemoryDocs.Put(ctx, kind, id, v)
}

// TestLearningAScopeRecordsEveryUserOrFails: an event automation learns
// every user in its scope (the records are written several at a time); when
// the store refuses one, creating the automation fails with the store's
// error and the automation is not saved.
func TestLearningAScopeRecordsEveryUserOrFails(t *testing.T) {
	ctx := context.Background()
	c := demoClient(t)
	ou := dirtest.NewOU(t, c)
	const users = 40
	for range users {
		dirtest.AddUser(t, c, ou, dirtest.User{Name: dirtest.UniqueName("learn")})
	}
	create := func(docs store.Docs) (*automation.Service, error) {
		svc, err := automation.New(automation.Config{Docs: docs, Directory: c, Runner: &runs{}, Templates: testCatalog,
			Logger: hclog.NewNullLogger()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Create(ctx, eventAutomation("Learn", "onboard", automation.Scope{OU: ou}, watch.UserDisabled))
		return svc, err
	}

	docs := store.NewMemoryDocs()
	if _, err := create(docs); err != nil {
		t.Fatalf("create: %v", err)
	}
	n := 0
	err := docs.List(ctx, "automation.member", func(string, func(any) error) error { n++; return nil })
	if err != nil || n != users {
		t.Fatalf("%d scope records (%v), want one per user: %d", n, err, users)
	}

	flaky := &flakyDocs{MemoryDocs: store.NewMemoryDocs(), ok: users / 2}
	svc, err := create(flaky)
	if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "learn the scope") {
		t.Fatalf("create with a failing store: %v, want the store's error while learning the scope", err)
	}
	if list, err := svc.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("automations after a failed create: %v (%v), want none", list, err)
	}
}
