package storesql

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/store"
)

var errNoRows = errors.New("no rows in result set")

var (
	question = Dialect{NoRows: errNoRows}
	numbered = Dialect{Numbered: true, NoRows: errNoRows}
)

func TestWhereNumbersPlaceholdersInArgumentOrder(t *testing.T) {
	w := numbered.Where()
	w.Add(`state IN ('pending', 'claimed')`)
	w.Add(`substr(target, 1, ?) = ?`, 3, "abc")
	w.Add(`lane = ?`, "l1")
	limit := w.Next(10)
	got := `SELECT id FROM actions` + w.SQL() + ` LIMIT ` + limit
	want := `SELECT id FROM actions WHERE state IN ('pending', 'claimed') AND substr(target, 1, $1) = $2 AND lane = $3 LIMIT $4`
	if got != want {
		t.Fatalf("query:\n got %s\nwant %s", got, want)
	}
	if !reflect.DeepEqual(w.Args, []any{3, "abc", "l1", 10}) {
		t.Fatalf("args %v", w.Args)
	}
}

func TestWhereKeepsQuestionMarks(t *testing.T) {
	w := question.Where()
	if w.SQL() != "" {
		t.Fatalf("no conditions: %q", w.SQL())
	}
	w.Add(`a = ? AND b = ?`, 1, 2)
	if got := w.SQL() + " LIMIT " + w.Next(3); got != " WHERE a = ? AND b = ? LIMIT ?" {
		t.Fatalf("got %q", got)
	}
}

func TestFiltersRefuseABadCursor(t *testing.T) {
	bad := store.Page{After: "x"}
	for name, err := range map[string]error{
		"runs":    question.Where().runs(store.RunFilter{Page: bad}),
		"entries": question.Where().entries("r", store.EntryFilter{Page: bad}),
		"actions": question.Where().actions(store.ActionFilter{Page: bad}),
		"audit":   question.Where().audit(store.AuditFilter{Page: bad}),
	} {
		if err == nil || err.Error() != `invalid page cursor "x": pass back the cursor a previous page returned` {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRunFilterKeepsOnlyWhatIsSet(t *testing.T) {
	w := numbered.Where()
	if err := w.runs(store.RunFilter{Kind: "sync", Page: store.Page{After: "7"}}); err != nil {
		t.Fatal(err)
	}
	if got := w.SQL(); got != " WHERE seq < $1 AND kind = $2" {
		t.Fatalf("got %q", got)
	}
	if !reflect.DeepEqual(w.Args, []any{int64(7), "sync"}) {
		t.Fatalf("args %v", w.Args)
	}
}

// rows is a result held in memory: each row is the values Scan copies out.
type rows struct {
	vals [][]any
	at   int
	err  error
}

func (r *rows) Next() bool { r.at++; return r.at <= len(r.vals) }
func (r *rows) Err() error { return r.err }
func (r *rows) Scan(dest ...any) error {
	for i, v := range r.vals[r.at-1] {
		reflect.ValueOf(dest[i]).Elem().Set(reflect.ValueOf(v))
	}
	return nil
}

func auditRows(seqs ...int64) *rows {
	r := &rows{}
	for _, s := range seqs {
		r.vals = append(r.vals, []any{s, int64(0), "a", "x", "t", []byte(nil), []byte(nil), "ok"})
	}
	return r
}

func TestReadPageCutsTheExtraRowIntoACursor(t *testing.T) {
	out, next, err := readPage(auditRows(9, 8, 7), 2, scanAuditEntry)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[1].Seq != 8 || next != "8" {
		t.Fatalf("page %v next %q", out, next)
	}
	out, next, err = readPage(auditRows(9, 8), 2, scanAuditEntry)
	if err != nil || len(out) != 2 || next != "" {
		t.Fatalf("last page %v next %q err %v", out, next, err)
	}
	broken := auditRows(9)
	broken.err = errors.New("connection reset")
	if _, _, err := readPage(broken, 2, scanAuditEntry); err != broken.err {
		t.Fatalf("a failed read: %v", err)
	}
}

func TestErrorsSayWhatWasNotThere(t *testing.T) {
	failed := errors.New("disk I/O error")
	cases := []struct {
		err  error
		is   error
		text string
	}{
		{question.Found(errNoRows, "run r1"), store.ErrNotFound, "run r1: not found"},
		{question.Found(failed, "run r1"), failed, "read run r1: disk I/O error"},
		{question.NotHeld("complete", 4, "", errNoRows), store.ErrNotFound, "complete action 4: not found"},
		{question.NotHeld("complete", 4, "", failed), failed, "complete action 4: disk I/O error"},
		{question.NotHeld("complete", 4, "done", nil), store.ErrLeaseLost, "complete action 4 (now done): " + store.ErrLeaseLost.Error()},
		{question.NotRequeued(5, "", errNoRows), store.ErrNotFound, "requeue action 5: not found"},
		{question.NotRequeued(5, "pending", nil), store.ErrConflict, "requeue action 5: it is pending; only dead actions can be retried: " + store.ErrConflict.Error()},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.is) || c.err.Error() != c.text {
			t.Errorf("got %v, want %q wrapping %v", c.err, c.text, c.is)
		}
	}
	if err := question.Found(nil, "run r1"); err != nil {
		t.Errorf("found: %v", err)
	}
}

func TestDecodeNamesTheDocument(t *testing.T) {
	var v struct{ A int }
	err := walk("extension", []storedDoc{{ID: "e1", Body: []byte(`{"A":1}`)}, {ID: "e2", Body: []byte(`{`)}},
		func(id string, decode func(any) error) error { return decode(&v) })
	if err == nil || v.A != 1 || !strings.HasPrefix(err.Error(), `decode extension "e2": `) {
		t.Fatalf("walk: %v (A=%d)", err, v.A)
	}
	if _, err := Encode("extension", "e3", func() {}); err == nil || !strings.HasPrefix(err.Error(), `encode extension "e3": `) {
		t.Fatalf("encode: %v", err)
	}
}

func TestAddCountsAddsOrSaysWhy(t *testing.T) {
	got, err := question.AddCounts("r1", `{"ok":1}`, nil, map[string]int{"ok": 2, "failed": 1})
	if err != nil || got != `{"failed":1,"ok":3}` {
		t.Fatalf("got %s, %v", got, err)
	}
	if _, err := question.AddCounts("r1", "", errNoRows, nil); !errors.Is(err, store.ErrNotFound) || err.Error() != "run r1: not found" {
		t.Fatalf("a missing run: %v", err)
	}
	if _, err := question.AddCounts("r1", "{", nil, nil); err == nil || !strings.HasPrefix(err.Error(), "run r1 counts: ") {
		t.Fatalf("damaged counts: %v", err)
	}
}
