package sync_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestPlanEveryCategoryApplyThenNoChange is the whole inbound flow on both
// directories: a two-endpoint data source joined on the user id, a dry run
// whose every category is checked, an apply that writes and records, and a
// second run that plans no change.
func TestPlanEveryCategoryApplyThenNoChange(t *testing.T) {
	for _, flavor := range []struct {
		name string
		cfg  func(testing.TB) directory.Config
	}{{"samba-ad", dirtest.AD}, {"openldap", dirtest.OpenLDAP}} {
		t.Run(flavor.name, func(t *testing.T) {
			dir := dirtest.Connect(t, flavor.cfg(t))
			ou := dirtest.NewOU(t, dir)
			sfx := randHex(3)
			mail := func(who string) string { return who + "-" + sfx + "@example.test" }

			// Directory side.
			alice := dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName("alice"), Attributes: map[string][]string{
				"mail": {mail("alice")}, "displayName": {"Alice Old"}, "physicalDeliveryOfficeName": {"Etc/UTC"}}})
			dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName("bob"), Attributes: map[string][]string{
				"mail": {mail("bob")}, "displayName": {"Bob Same"}, "physicalDeliveryOfficeName": {"Etc/UTC"}}})
			dave := dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName("dave"), Disabled: true, Attributes: map[string][]string{
				"mail": {mail("dave")}, "displayName": {"Dave Gone"}}})
			erin1 := dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName("erin"), Attributes: map[string][]string{"mail": {mail("erin")}}})
			erin2 := dirtest.AddUser(t, dir, ou, dirtest.User{Name: dirtest.UniqueName("erin"), Attributes: map[string][]string{"mail": {mail("erin")}}})

			// App side: bob takes the owner's place (and API key).
			carolName := "Carol New " + sfx
			env := startEnv(t, seedWith(
				sandbox.User{Email: mail("bob"), Name: "Bob Same", TimeZone: "Etc/UTC"},
				sandbox.User{Email: mail("carol"), Name: carolName, TimeZone: "Europe/Paris"},
				sandbox.User{Email: strings.ToUpper(mail("alice")), Name: "Alice New", TimeZone: "Europe/Berlin"},
				sandbox.User{Email: mail("dave"), Name: "Dave Gone"},
				sandbox.User{Email: mail("erin"), Name: "Erin Twice"},
				sandbox.User{Email: mail("frank"), Name: "Frank Left", MembershipStatus: "INACTIVE"},
			))
			svc := newService(t, env, dir)
			ctx := ctxT(t)

			ds := usersAndWorkers("people", ou, mapping.CategoryCreateUsers)
			ds.Options.Create = mapping.CreateOptions{Allowed: true, OU: ou, Name: "%users.name%", Attributes: []mapping.Mapping{
				{Format: "c" + sfx + "%substring(users.id, 18, 6)%", Attribute: "sAMAccountName"},
				{Format: "%users.name%", Attribute: "sn"},
			}}
			if _, err := svc.Create(ctx, ds); err != nil {
				t.Fatalf("save the data source: %v", err)
			}

			// Dry run: every category.
			plan := mustPlan(t, svc, "people")
			t.Logf("plan: %s", summary(plan))
			if len(plan.Updates) != 1 || plan.Updates[0].UserID != alice.ID {
				t.Fatalf("updates = %+v, want alice's", plan.Updates)
			}
			got := map[string]mapping.Change{}
			for _, c := range plan.Updates[0].Changes {
				got[c.Attribute] = c
			}
			if c := got["displayName"]; c.New != "Alice New" || !slices.Equal(c.Old, []string{"Alice Old"}) {
				t.Errorf("displayName change = %+v", c)
			}
			if c := got["physicalDeliveryOfficeName"]; c.New != "Europe/Berlin" {
				t.Errorf("the joined endpoint's field was not mapped: %+v", c)
			}
			if len(plan.Creates) != 1 || !strings.HasPrefix(plan.Creates[0].DN, "CN="+carolName+",") {
				t.Fatalf("creates = %+v, want carol", plan.Creates)
			}
			if len(plan.NoChange) != 1 || !strings.EqualFold(plan.NoChange[0].MatchValue, mail("bob")) {
				t.Fatalf("no change = %+v, want bob", plan.NoChange)
			}
			if len(plan.Orphans) != 1 || plan.Orphans[0].Kind != mapping.OrphanDisabled || plan.Orphans[0].UserID != dave.ID {
				t.Fatalf("orphans = %+v, want dave's active account with his AD user disabled", plan.Orphans)
			}
			if len(plan.Conflicts) != 1 || plan.Conflicts[0].Kind != mapping.ConflictSharedKey || len(plan.Conflicts[0].Users) != 2 {
				t.Fatalf("conflicts = %+v, want erin's two AD users", plan.Conflicts)
			}
			ids := []string{plan.Conflicts[0].Users[0].ID, plan.Conflicts[0].Users[1].ID}
			if !slices.Contains(ids, erin1.ID) || !slices.Contains(ids, erin2.ID) {
				t.Errorf("conflict users = %v", ids)
			}
			if plan.Summary.Inactive != 1 || plan.Summary.Records != 6 {
				t.Errorf("summary = %+v, want 6 records with frank inactive", plan.Summary)
			}
			// Frank is not a worker: the join says so instead of dropping him.
			if plan.Join.Joined != 6 || plan.Join.Incomplete != 1 || plan.Join.Endpoints[1].Records != 5 || plan.Join.Endpoints[1].Missing != 1 {
				t.Errorf("join report = %+v", plan.Join)
			}
			if u := userByMail(t, dir, mail("alice")); u.Get("displayName") != "Alice Old" {
				t.Fatal("the dry run wrote to the directory")
			}

			// Apply.
			res, err := svc.Apply(ctx, "people", idsync.ApplyOptions{})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if res.Status != store.RunSucceeded || res.Counts["updated"] != 1 || res.Counts["created"] != 1 {
				t.Fatalf("apply result = %s %v", res.Status, res.Counts)
			}
			if u := userByMail(t, dir, mail("alice")); u.Get("displayName") != "Alice New" || u.Get("physicalDeliveryOfficeName") != "Europe/Berlin" {
				t.Errorf("alice after apply: %v", u.Attributes)
			}
			carol := userByMail(t, dir, mail("carol"))
			if !carol.Enabled() || carol.Get("displayName") != carolName || !directory.UnderDN(carol.DN, ou) {
				t.Errorf("carol after apply: %s %v", carol.DN, carol.Attributes)
			}
			run, err := env.Store.Runs().Get(ctx, res.RunID)
			if err != nil || run.Kind != idsync.RunKind || run.Automation != "people" || run.Status != store.RunSucceeded {
				t.Fatalf("run record = %+v, %v", run, err)
			}
			es := byOutcome(entries(t, env.Store.Runs(), res.RunID))
			if len(es[idsync.OutcomeOK]) != 2 || len(es[idsync.OutcomeReported]) != 2 {
				t.Fatalf("run entries by outcome: ok %d, reported %d", len(es[idsync.OutcomeOK]), len(es[idsync.OutcomeReported]))
			}
			for _, e := range es[idsync.OutcomeOK] {
				var req idsync.EntryRequest
				if err := json.Unmarshal(e.Request, &req); err != nil {
					t.Fatal(err)
				}
				if e.Step == idsync.StepUpdate {
					if e.ObjectID != alice.ID || len(req.Changes) != 2 {
						t.Errorf("update entry = %+v %+v", e, req)
					}
					for _, c := range req.Changes {
						if c.Attribute == "displayName" && (!slices.Equal(c.Before, []string{"Alice Old"}) || !slices.Equal(c.After, []string{"Alice New"})) {
							t.Errorf("recorded before/after = %+v", c)
						}
					}
				}
			}

			// Second run: nothing left to change.
			again := mustPlan(t, svc, "people")
			if again.Summary.Updates != 0 || again.Summary.Creates != 0 || again.Summary.NoChange != 3 {
				t.Fatalf("second plan: %s, want no updates or creates and 3 unchanged", summary(again))
			}
			if again.Summary.Orphans != 1 || again.Summary.Conflicts != 1 {
				t.Errorf("second plan keeps reporting the orphan and the conflict: %s", summary(again))
			}
		})
	}
}

// TestChangeLimitNeedsConfirmation: a plan beyond the limit leaves the run
// waiting and the directory untouched until confirmed.
func TestChangeLimitNeedsConfirmation(t *testing.T) {
	dir := dirtest.Connect(t, dirtest.OpenLDAP(t))
	ou := dirtest.NewOU(t, dir)
	sfx := randHex(3)
	var users []sandbox.User
	for i := range 3 {
		name := dirtest.UniqueName("lim")
		dirtest.AddUser(t, dir, ou, dirtest.User{Name: name, Attributes: map[string][]string{"mail": {name + "@example.test"}, "displayName": {"Old"}}})
		users = append(users, sandbox.User{Email: name + "@example.test", Name: "New " + sfx + " " + string(rune('a'+i))})
	}
	env := startEnv(t, seedWith(users...))
	svc := newService(t, env, dir)
	ctx := ctxT(t)
	ds := usersAndWorkers("limited", ou, mapping.CategoryUpdateUsers)
	ds.Options.ChangeLimit = 2
	if _, err := svc.Create(ctx, ds); err != nil {
		t.Fatal(err)
	}
	plan := mustPlan(t, svc, "limited")
	if !plan.NeedsConfirmation || plan.Summary.Updates != 3 {
		t.Fatalf("plan: %s, needs confirmation %v", summary(plan), plan.NeedsConfirmation)
	}
	res, err := svc.Apply(ctx, "limited", idsync.ApplyOptions{})
	if !errors.Is(err, idsync.ErrNeedsConfirmation) || !strings.Contains(err.Error(), "--confirm") {
		t.Fatalf("apply beyond the limit = %v", err)
	}
	if res.Status != store.RunWaiting || res.Counts["updated"] != 0 {
		t.Fatalf("result = %s %v", res.Status, res.Counts)
	}
	if u := userByMail(t, dir, users[0].Email); u.Get("displayName") != "Old" {
		t.Fatal("an unconfirmed apply wrote to the directory")
	}
	// While it runs, a second apply of the same data source is refused.
	var second error
	res, err = svc.Apply(ctx, "limited", idsync.ApplyOptions{Confirm: true, RunOptions: idsync.RunOptions{Progress: func(p idsync.Progress) {
		if p.Phase == idsync.PhaseApply && second == nil {
			_, second = svc.Apply(ctx, "limited", idsync.ApplyOptions{Confirm: true})
		}
	}}})
	if err != nil || res.Counts["updated"] != 3 {
		t.Fatalf("confirmed apply = %v, %v", res, err)
	}
	if !errors.Is(second, idsync.ErrBusy) || !strings.Contains(second.Error(), res.RunID) {
		t.Fatalf("concurrent apply = %v, want ErrBusy naming run %s", second, res.RunID)
	}
}
