package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"testing"
)

// plannerWith feeds the shared fixture plus extra directory users.
func plannerWith(t *testing.T, extra ...ADUser) *Planner {
	t.Helper()
	p, err := NewPlanner(planDef())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range append(append([]ADUser(nil), planADUsers...), extra...) {
		p.AddUser(u)
	}
	must(t, p.AddRecords("users", recs(t, planUsers...)))
	must(t, p.AddRecords("profiles", recs(t, planProfiles...)))
	return p
}

var withoutAccounts = []ADUser{
	{ID: "g9", DN: "CN=Zed,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "zed@x.com")},
	{ID: "g10", DN: "CN=Gone,OU=Staff,DC=x", Enabled: false, Attributes: attrs("mail", "gone@x.com")},
	{ID: "g11", DN: "CN=Amy,OU=Staff,DC=x", Enabled: true, Attributes: attrs("mail", "amy@x.com", "mail", "a.m@x.com")},
}

func TestPlanListsEnabledUsersWithoutAnAccount(t *testing.T) {
	plan, err := plannerWith(t, withoutAccounts...).Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Disabled users, users some record leads to (matched, in a conflict,
	// disabled orphans) and users without a match value are not missing.
	want := []MissingAccount{
		{UserID: "g11", DN: "CN=Amy,OU=Staff,DC=x", MatchValue: "amy@x.com, a.m@x.com",
			Reason: "the enabled AD user CN=Amy,OU=Staff,DC=x (mail=amy@x.com, a.m@x.com) has no app account"},
		{UserID: "g9", DN: "CN=Zed,OU=Staff,DC=x", MatchValue: "zed@x.com",
			Reason: "the enabled AD user CN=Zed,OU=Staff,DC=x (mail=zed@x.com) has no app account"},
	}
	if !reflect.DeepEqual(plan.Missing, want) || plan.Summary.Missing != 2 {
		t.Errorf("missing = %+v (summary %d), want %+v", plan.Missing, plan.Summary.Missing, want)
	}
}

func TestPlanToHandsOutWhatPlanLists(t *testing.T) {
	p := plannerWith(t, withoutAccounts...)
	whole, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var streamed Plan
	head, err := p.PlanTo(context.Background(), func(it Item) error { streamed.add(it); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if head.Summary != whole.Summary || len(head.Updates)+len(head.NoChange)+len(head.Missing) != 0 {
		t.Errorf("PlanTo head: %+v, want the summary %+v and no lists", head, whole.Summary)
	}
	streamed.sortLists()
	for name, pair := range map[string][2]any{
		"updates": {streamed.Updates, whole.Updates}, "creates": {streamed.Creates, whole.Creates},
		"noChange": {streamed.NoChange, whole.NoChange}, "orphans": {streamed.Orphans, whole.Orphans},
		"conflicts": {streamed.Conflicts, whole.Conflicts}, "missing": {streamed.Missing, whole.Missing},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s streamed %+v, listed %+v", name, pair[0], pair[1])
		}
	}

	stop := errors.New("client went away")
	n := 0
	if _, err := p.PlanTo(context.Background(), func(Item) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error from fn: got %v after %d items, want it after the first", err, n)
	}
}

func TestSampleKeepsTheFirstOfEachCategoryInPlanOrder(t *testing.T) {
	p := plannerWith(t, withoutAccounts...)
	whole, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := NewSample(1)
	head, err := p.PlanTo(context.Background(), func(it Item) error { s.Add(it); return nil })
	if err != nil {
		t.Fatal(err)
	}
	s.Fill(head)
	first := func(l any) string {
		raw, _ := json.Marshal(l)
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		if len(items) == 0 {
			return ""
		}
		return string(items[0])
	}
	for name, pair := range map[string][2]any{
		"updates": {head.Updates, whole.Updates}, "orphans": {head.Orphans, whole.Orphans},
		"conflicts": {head.Conflicts, whole.Conflicts}, "missing": {head.Missing, whole.Missing},
	} {
		raw, _ := json.Marshal(pair[0])
		var got []json.RawMessage
		_ = json.Unmarshal(raw, &got)
		if len(got) != 1 || first(pair[0]) != first(pair[1]) {
			t.Errorf("%s sample %s, want only the plan's first %s", name, raw, first(pair[1]))
		}
	}
	if head.Summary != whole.Summary || whole.Summary.Orphans < 2 || whole.Summary.Missing != 2 {
		t.Errorf("sampled summary %+v, want the whole plan's %+v (with several orphans and missing)", head.Summary, whole.Summary)
	}
	// Offered in reverse, the sample still keeps the first.
	r := NewSample(2)
	items := []Item{}
	for _, m := range whole.Missing {
		items = append(items, Item{Category: ItemMissing, Missing: &m})
	}
	sort.SliceStable(items, func(i, j int) bool { return Less(items[j], items[i]) })
	for _, it := range items {
		r.Add(it)
	}
	var back Plan
	r.Fill(&back)
	if !reflect.DeepEqual(back.Missing, whole.Missing) {
		t.Errorf("reverse-fed sample %+v, want %+v", back.Missing, whole.Missing)
	}
}
