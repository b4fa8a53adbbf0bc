package storecopy_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/postgres/pgtest"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/host/store/storecopy"
)

// fill writes one of everything into a SQLite store, including an action
// left in doubt by a crash and a sealed secret.
func fill(t *testing.T, st *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Put(ctx, "integration", "clockify-main", map[string]any{"api_key": "idbx1:sealed-bytes", "enabled": true}))
	must(st.Put(ctx, "watch.directory", "state", map[string]any{"usn": 4711}))
	must(st.Runs().Create(ctx, store.Run{ID: "run-1", Automation: "onboarding", Kind: "orchestration", Trigger: "ad-event", Counts: map[string]int{"ok": 2}}))
	must(st.Runs().Append(ctx, store.RunEntry{RunID: "run-1", ObjectID: "o1", Object: "a@x", Step: "add", Outcome: "ok",
		Request: json.RawMessage(`{"email":"a@x"}`), Response: json.RawMessage(`{"id":"u1"}`)}))
	if _, err := st.Queue().Enqueue(ctx,
		store.NewAction{Lane: "clockify-main", RunID: "run-1", ObjectID: "o1", StepID: "add", Payload: json.RawMessage(`{"n":1}`)},
		store.NewAction{Lane: "clockify-main", RunID: "run-1", ObjectID: "o2", StepID: "add"}); err != nil {
		t.Fatal(err)
	}
	as, err := st.Queue().Claim(ctx, store.ClaimOptions{Worker: "old-host", Lease: time.Minute})
	must(err)
	must(st.Queue().MarkSending(ctx, as[0].ID, "old-host")) // the host stopped mid-call
	_, err = st.Audit().Append(ctx, store.AuditEntry{Actor: "admin", Action: "integration.enable", Target: "integration/clockify-main",
		After: json.RawMessage(`{"enabled":true}`), Outcome: "ok"})
	must(err)
}

func TestCopyMovesEverythingOnceAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	src, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fill(t, src)
	srv := pgtest.Need(t)
	schema := pgtest.NewSchema(t, srv)
	dst, err := postgres.Open(ctx, srv.URL, srv.Options(schema, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	for round := range 2 {
		res, err := storecopy.Copy(ctx, src, dst, "key-1")
		if err != nil {
			t.Fatalf("copy %d: %v", round+1, err)
		}
		want := map[string]int{"docs": 2, "runs": 1, "run_entries": 1, "actions": 2, "audit": 1}
		if !reflect.DeepEqual(res.Rows, want) {
			t.Fatalf("copy %d rows = %v, want %v", round+1, res.Rows, want)
		}
	}
	// The same state, read through the store interfaces of each backend.
	var a, b map[string]any
	src.Get(ctx, "integration", "clockify-main", &a)
	if err := dst.Get(ctx, "integration", "clockify-main", &b); err != nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("integration after copy = %v (%v); want %v, still sealed", b, err, a)
	}
	srcActions, _, _ := src.Queue().List(ctx, store.ActionFilter{})
	dstActions, _, _ := dst.Queue().List(ctx, store.ActionFilter{})
	if !reflect.DeepEqual(srcActions, dstActions) {
		t.Fatalf("actions differ after copy:\n%+v\n%+v", srcActions, dstActions)
	}
	srcRuns, _, _ := src.Runs().List(ctx, store.RunFilter{})
	dstRuns, _, _ := dst.Runs().List(ctx, store.RunFilter{})
	srcEntries, _, _ := src.Runs().Entries(ctx, "run-1", store.EntryFilter{})
	dstEntries, _, _ := dst.Runs().Entries(ctx, "run-1", store.EntryFilter{})
	srcAudit, _, _ := src.Audit().List(ctx, store.AuditFilter{})
	dstAudit, _, _ := dst.Audit().List(ctx, store.AuditFilter{})
	if !reflect.DeepEqual(srcRuns, dstRuns) || !reflect.DeepEqual(srcEntries, dstEntries) || !reflect.DeepEqual(srcAudit, dstAudit) {
		t.Fatalf("runs, entries or audit differ after copy:\n%+v\n%+v\n%+v\n%+v\n%+v\n%+v", srcRuns, dstRuns, srcEntries, dstEntries, srcAudit, dstAudit)
	}
	// The action the old host was sending comes back in doubt on the new
	// store once its lease expires, and new rows continue the numbering.
	later := time.Now().Add(2 * time.Minute)
	dst2, err := postgres.Open(ctx, srv.URL, srv.Options(schema, func() time.Time { return later }))
	if err != nil {
		t.Fatal(err)
	}
	defer dst2.Close()
	got, err := dst2.Queue().Claim(ctx, store.ClaimOptions{Worker: "new-host", Limit: 10})
	if err != nil || len(got) != 2 || !got[0].InDoubt || got[1].InDoubt {
		t.Fatalf("claims on the new store = %+v, %v; want the interrupted call in doubt", got, err)
	}
	ids, err := dst2.Queue().Enqueue(ctx, store.NewAction{Lane: "l", RunID: "run-2", ObjectID: "o", StepID: "s"})
	if err != nil || ids[0].ID <= srcActions[len(srcActions)-1].ID {
		t.Fatalf("a new action got id %v (%v); want one after the copied ones", ids, err)
	}
	if seq, err := dst2.Audit().Append(ctx, store.AuditEntry{Actor: "a", Action: "x", Target: "t"}); err != nil || seq <= srcAudit[0].Seq {
		t.Fatalf("a new audit entry got seq %d (%v)", seq, err)
	}

	// Another install's key, or a store with state of unknown origin, is refused.
	if _, err := storecopy.Copy(ctx, src, dst, "key-2"); !errors.Is(err, secrets.ErrForeignMasterKey) {
		t.Fatalf("copy with another key: %v, want ErrForeignMasterKey", err)
	}
	other, err := postgres.Open(ctx, srv.URL, srv.Options(pgtest.NewSchema(t, srv), nil))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Put(ctx, "integration", "someone-else", map[string]string{})
	if _, err := storecopy.Copy(ctx, src, other, "key-1"); !errors.Is(err, storecopy.ErrTargetInUse) {
		t.Fatalf("copy into another install's store: %v, want ErrTargetInUse", err)
	}
}
