package watch_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/watch"
)

func loadAll(t *testing.T, s watch.State) map[string]watch.ObjectState {
	t.Helper()
	out := map[string]watch.ObjectState{}
	must(t, s.LoadObjects(context.Background(), func(id string, o watch.ObjectState) error { out[id] = o; return nil }))
	return out
}

func countDocs(t *testing.T, docs store.Docs, kind string) int {
	t.Helper()
	n := 0
	must(t, docs.List(context.Background(), kind, func(string, func(any) error) error { n++; return nil }))
	return n
}

// TestDocsStateKeepsTheSnapshotInChunks: a snapshot of many users is a few
// hundred documents, written when the cursor is saved and read back
// whole by a new state over the same store.
func TestDocsStateKeepsTheSnapshotInChunks(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	s := watch.NewDocsState(docs, "dir")
	want := map[string]watch.ObjectState{}
	for i := range 3000 {
		id := fmt.Sprintf("id-%d", i)
		o := watch.ObjectState{DN: fmt.Sprintf("CN=User %d,OU=Staff,DC=example,DC=test", i), Enabled: i%7 != 0,
			Attrs: map[string]uint64{"mail": uint64(i) * 7919, "title": 1 << 63}, Groups: []string{"cn=staff,dc=example,dc=test"}}
		must(t, s.PutObject(ctx, id, o))
		want[id] = o
	}
	if n := countDocs(t, docs, "watch.dir.snapshot"); n != 0 {
		t.Fatalf("%d chunks written before the cursor was saved", n)
	}
	must(t, s.SaveCursor(ctx, watch.Cursor{USN: 42, Initialized: true}))
	if n := countDocs(t, docs, "watch.dir.snapshot"); n == 0 || n > 256 {
		t.Fatalf("3000 users in %d documents, want 1 to 256", n)
	}
	must(t, s.DeleteObject(ctx, "id-5"))
	delete(want, "id-5")
	must(t, s.SaveCursor(ctx, watch.Cursor{USN: 43, Initialized: true}))

	again := watch.NewDocsState(docs, "dir")
	if got := loadAll(t, again); !reflect.DeepEqual(got, want) {
		t.Fatalf("reloaded %d users, want %d, or they differ", len(got), len(want))
	}
	if c, err := again.LoadCursor(ctx); err != nil || c.USN != 43 {
		t.Fatalf("cursor %+v %v", c, err)
	}
}

// TestDocsStateMovesEarlierRecordsIntoChunks: a store written by an
// earlier version (one document per user) loads, and its documents go
// once their users are in chunks.
func TestDocsStateMovesEarlierRecordsIntoChunks(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	old := watch.ObjectState{DN: "CN=Old,DC=example,DC=test", Enabled: true, Attrs: map[string]uint64{"mail": 9}}
	must(t, docs.Put(ctx, "watch.dir.object", "id-old", old))
	s := watch.NewDocsState(docs, "dir")
	if got := loadAll(t, s); !reflect.DeepEqual(got, map[string]watch.ObjectState{"id-old": old}) {
		t.Fatalf("loaded %+v", got)
	}
	must(t, s.SaveCursor(ctx, watch.Cursor{Initialized: true}))
	if n := countDocs(t, docs, "watch.dir.object"); n != 0 {
		t.Errorf("%d earlier records left after the move", n)
	}
	if got := loadAll(t, watch.NewDocsState(docs, "dir")); !reflect.DeepEqual(got, map[string]watch.ObjectState{"id-old": old}) {
		t.Fatalf("after the move: %+v", got)
	}
}
