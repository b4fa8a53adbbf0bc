package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

func testAuditAppendListAndFilters(t *testing.T, open Opener) {
	ctx := context.Background()
	c := newClock()
	s := open(t, c.Now)
	a := s.Audit()
	add := func(actor, action, target string) {
		t.Helper()
		c.Add(time.Minute)
		if _, err := a.Append(ctx, store.AuditEntry{Actor: actor, Action: action, Target: target,
			Before: json.RawMessage(`{"enabled":false}`), After: json.RawMessage(`{"enabled":true}`), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	add("admin", "integration.enable", "integration/clockify")
	add("ops", "automation.run", "automation/onboarding")
	add("admin", "integration.disable", "integration/clockify")
	add("admin", "integration.enable", "integration/other")
	all, _, err := a.List(ctx, store.AuditFilter{})
	if err != nil || len(all) != 4 || all[0].Target != "integration/other" || string(all[0].Before) != `{"enabled":false}` {
		t.Fatalf("List = %+v, %v; want 4, newest first", all, err)
	}
	for name, tc := range map[string]struct {
		f    store.AuditFilter
		want int
	}{
		"actor":  {store.AuditFilter{Actor: "admin"}, 3},
		"action": {store.AuditFilter{Action: "integration.enable"}, 2},
		"prefix": {store.AuditFilter{Target: "integration/"}, 3},
		"exact":  {store.AuditFilter{Target: "integration/clockify"}, 2},
		"since":  {store.AuditFilter{Since: all[1].At}, 2},
		"until":  {store.AuditFilter{Until: all[1].At}, 2},
	} {
		got, _, err := a.List(ctx, tc.f)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: %d entries, %v; want %d", name, len(got), err, tc.want)
		}
	}
	page, next, _ := a.List(ctx, store.AuditFilter{Page: store.Page{Limit: 3}})
	rest, last, _ := a.List(ctx, store.AuditFilter{Page: store.Page{Limit: 3, After: next}})
	if len(page) != 3 || len(rest) != 1 || last != "" || rest[0].Seq >= page[2].Seq {
		t.Fatalf("paging: %d then %d (last cursor %q)", len(page), len(rest), last)
	}
}
