package orchestration

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/demodir"
	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
)

func TestADStepsAgainstTheDemoDirectory(t *testing.T) {
	ctx := context.Background()
	dd, err := demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed()})
	if err != nil {
		t.Fatal(err)
	}
	defer dd.Close()
	dir, err := directory.Open(ctx, directory.Config{URL: dd.URL(), PlainText: true, BindDN: dd.BindDN(), Password: dd.Password()})
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	e := newEnv(t, envOptions{config: func(c *Config) { c.Directory = dir }})
	base := dir.BaseDN()
	support := "CN=Support,OU=Groups," + base
	mustSave(t, e, Template{ID: "leave", Name: "Engineers leave", Steps: []Step{
		{ID: "eng", Kind: KindCondition, Condition: `ad.department == "Engineering"`},
		{ID: "title", Kind: KindAD, AD: &ADAction{Action: ADModify, Attributes: map[string]string{"title": "Former %ad.title%"}}},
		{ID: "group", Kind: KindAD, AD: &ADAction{Action: ADAddToGroup, Target: support}},
		{ID: "disable", Kind: KindAD, AD: &ADAction{Action: ADDisable}},
		{ID: "move", Kind: KindAD, AD: &ADAction{Action: ADMove, Target: "OU=Leavers," + base}},
		{ID: "note", Kind: KindAD, AD: &ADAction{Action: ADModify, Attributes: map[string]string{"description": "moved to %steps.move.dn%"}}},
	}})
	e.start(t)
	var objs []outbound.Object
	for _, sam := range []string{"nora.quinn", "priya.raman"} {
		us, err := dir.FindUsers(ctx, "sAMAccountName", sam)
		if err != nil || len(us) != 1 {
			t.Fatalf("find %s: %v", sam, err)
		}
		objs = append(objs, outbound.Object{ID: us[0].ID, DN: us[0].DN, Kind: outbound.KindUser, Attributes: us[0].Attributes})
	}
	id, err := e.eng.StartRun(ctx, RunRequest{TemplateID: "leave", Objects: objs})
	if err != nil {
		t.Fatal(err)
	}
	if v := e.wait(t, id, 30*time.Second); v.Status != store.RunSucceeded {
		var msgs []string
		for _, en := range e.entries(t, id, "") {
			msgs = append(msgs, en.Step+":"+en.Outcome+":"+en.Error)
		}
		t.Fatalf("run ended %s: %s %v", v.Status, v.Error, msgs)
	}
	nora, err := dir.UserByID(ctx, objs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(nora.DN, "OU=Leavers,"+base) {
		t.Errorf("nora was not moved: %s", nora.DN)
	}
	if nora.Enabled() {
		t.Error("nora is still enabled")
	}
	if nora.Get("title") != "Former Software Engineer" {
		t.Errorf("title = %q", nora.Get("title"))
	}
	if !slices.ContainsFunc(nora.Groups(), func(g string) bool { return strings.EqualFold(g, support) }) {
		t.Errorf("nora is not in Support: %v", nora.Groups())
	}
	var got string
	if err := dir.Search(ctx, directory.Query{Base: nora.DN, Scope: directory.ScopeBase, Attributes: []string{"description"}},
		func(en directory.Entry) error { got = en.Get("description"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(got, "moved to "+nora.DN) {
		t.Errorf("the step after the move did not see the new DN: description %q, DN %s", got, nora.DN)
	}
	priya, err := dir.UserByID(ctx, objs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !priya.Enabled() || priya.Get("title") != "Sales Manager" || priya.DN != objs[1].DN {
		t.Errorf("priya (Sales) was changed although the condition was false: %s %q", priya.DN, priya.Get("title"))
	}
}
