package demo

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/mapping"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/watch"
)

// outcomeTimeout bounds the wait for one run or one watcher-driven change
// to show in the sandbox.
const outcomeTimeout = 60 * time.Second

// configure does, through the REST API, what an admin does on a new host.
func (r *runner) configure(ctx context.Context) error {
	h := r.host
	rep := &r.report

	r.step("Adding the marketplace as a catalog and trusting its signing key")
	pem, err := os.ReadFile(r.opts.PublicKey)
	if err != nil {
		return err
	}
	if _, err := h.PostCatalogs(ctx, extensions.AddCatalogRequest{Name: "demo",
		Location: r.report.Marketplace, PublicKey: string(pem)}); err != nil {
		return err
	}

	r.step("Installing the Clockify extension by name")
	rec, err := h.PostExtensions(ctx, extensions.Source{Name: "clockify"})
	if err != nil {
		return err
	}
	rep.Extension = fmt.Sprintf("%s %s by %s", rec.ID, rec.Version, rec.Publisher)

	r.step("Creating the integration, setting the API key and enabling it")
	if _, err := h.PostIntegrations(ctx, integrations.CreateRequest{ID: Integration, ExtensionID: rec.ID,
		Name: "Clockify (sandbox)", Settings: map[string]string{
			// The Clockify extension's setting names, as its Describe
			// declares them and an admin types them.
			"workspaceId": r.sb.workspace, "baseUrl": r.sb.base, "rateLimit": "50"},
	}); err != nil {
		return err
	}
	if _, err := h.PatchIntegrationsIDAuthorization(ctx, Integration, map[string]string{"apiKey": r.sb.key}); err != nil {
		return err
	}
	view, err := h.PostIntegrationsIDEnable(ctx, Integration)
	if err != nil {
		return err
	}
	rep.Enabled = view.Enabled
	if view.Connector != nil {
		rep.Connector = fmt.Sprintf("%s %s (protocol %d)", view.Connector.Name, view.Connector.Version, view.Connector.Protocol)
	}
	if t := view.LastTest; t != nil {
		rep.TestOK, rep.TestAccount = t.OK, t.Account
		for _, c := range t.Checks {
			rep.TestChecks = append(rep.TestChecks, c.Name+": "+c.Status)
		}
	}

	r.step("Testing and saving the List Users endpoint")
	it, err := h.PostIntegrationsIDInboundEndpointTest(ctx, Integration, "list-users", apiclient.Query(url.Values{"save": {"true"}}))
	if err != nil {
		return err
	}
	rep.ListUsers = fmt.Sprintf("%d records, %d fields, saved: %v", it.Records, len(it.Fields), it.Saved)
	if !it.OK {
		rep.ListUsers = "failed: " + it.Error
	}

	r.step("Creating a data source and running a dry-run plan")
	ds, err := h.PostDatasources(ctx, dataSource())
	if err != nil {
		return err
	}
	pv, err := h.PostDatasourcesIDPlan(ctx, ds.ID)
	if err != nil {
		return err
	}
	if pv.Plan != nil {
		s := pv.Plan.Summary
		rep.Plan = PlanCounts{Records: s.Records, Inactive: s.Inactive, Users: s.Users, Updates: s.Updates,
			Creates: s.Creates, NoChange: s.NoChange, Orphans: s.Orphans, Conflicts: s.Conflicts}
		for _, o := range pv.Plan.Orphans {
			name := o.MatchValue
			if name == "" {
				name = o.Key
			}
			rep.Orphans = append(rep.Orphans, Orphan{Account: name, Why: string(o.Kind)})
		}
		sort.Slice(rep.Orphans, func(i, j int) bool { return rep.Orphans[i].Account < rep.Orphans[j].Account })
	}

	r.step("Installing the lifecycle templates and the automations")
	inst, err := h.PostTemplatesInstall(ctx, automation.InstallRequest{Integration: Integration})
	if err != nil {
		return err
	}
	rep.Templates = inst.Installed
	rep.TemplatesRefused = inst.Refused
	if len(inst.Installed) == 0 {
		return fmt.Errorf("no lifecycle template was installed: %s", inst.Refused)
	}
	info, err := r.demoDirectory()
	if err != nil {
		return fmt.Errorf("read the demo directory's address: %w", err)
	}
	scope := automation.Scope{Group: "CN=Clockify Users,OU=Groups," + info.BaseDN, Nested: true}
	autos := []automation.Automation{
		{ID: "clockify-onboarding", Name: "Clockify onboarding", Enabled: true, Scope: scope,
			Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: []watch.Kind{watch.UserCreated, automation.ScopeEntered}},
			Action:  automation.Action{Template: "clockify-onboarding"}},
		{ID: "clockify-offboarding", Name: "Clockify offboarding", Enabled: true, Scope: scope,
			Trigger: automation.Trigger{Type: automation.TriggerEvent, Events: []watch.Kind{watch.UserDisabled, watch.UserDeleted, automation.ScopeLeft}},
			Action:  automation.Action{Template: "clockify-offboarding"}},
	}
	for _, a := range autos {
		saved, err := h.PostAutomations(ctx, a)
		if err != nil {
			return fmt.Errorf("%w (templates installed: %s; refused: %s)", err, strings.Join(inst.Installed, ", "), inst.Refused)
		}
		rep.Automations = append(rep.Automations, saved.Name)
	}

	dir, err := directory.Open(ctx, directory.Config{URL: info.URL, PlainText: true, BindDN: info.BindDN,
		Password: info.Password, BaseDN: info.BaseDN})
	if err != nil {
		return fmt.Errorf("connect to the demo directory: %w", err)
	}
	defer dir.Close()

	r.step("Onboarding %s with apply-now", strings.Join(onboard, ", "))
	if err := r.onboard(ctx, dir); err != nil {
		return err
	}
	r.step("Offboarding %s by disabling them in the directory (the watcher picks it up)", strings.Join(offboard, ", "))
	return r.offboard(ctx, dir)
}

// dataSource maps Clockify's users onto directory users by mail; only
// active memberships count, so stale active accounts show as orphans.
func dataSource() idsync.DataSource {
	users := func(p string) mapping.FieldRef { return mapping.FieldRef{Endpoint: "users", Path: p} }
	return idsync.DataSource{ID: "clockify-people", DataSource: mapping.DataSource{
		Name: "Clockify people", Category: mapping.CategoryUpdateUsers,
		Description: "Clockify members matched to directory users by mail",
		Endpoints:   []mapping.EndpointRef{{Alias: "users", IntegrationID: Integration, EndpointID: "list-users", PrimaryKey: "id"}},
		Mappings:    []mapping.Mapping{{Field: users("name"), Attribute: "displayName"}},
		Match:       mapping.MatchRule{Field: users("email"), Attribute: "mail", CaseInsensitive: true},
		Options: mapping.Options{Active: &mapping.ActiveRule{Field: users("memberships[].membershipStatus"),
			Values: []string{"ACTIVE"}}},
	}}
}

// find returns the directory user with sAMAccountName sam.
func find(ctx context.Context, dir *directory.Client, sam string) (directory.User, error) {
	us, err := dir.FindUsers(ctx, "sAMAccountName", sam)
	if err != nil {
		return directory.User{}, err
	}
	if len(us) != 1 {
		return directory.User{}, fmt.Errorf("the demo directory has %d users named %s", len(us), sam)
	}
	return us[0], nil
}

func mailOf(sam string) string { return sam + "@example.com" }

// onboard applies the onboarding automation now and checks that each
// person became an active member of the workspace.
func (r *runner) onboard(ctx context.Context, dir *directory.Client) error {
	var dns []string
	for _, sam := range onboard {
		u, err := find(ctx, dir, sam)
		if err != nil {
			return err
		}
		dns = append(dns, u.DN)
	}
	before := map[string]string{}
	for _, sam := range onboard {
		before[sam], _ = r.sb.member(ctx, mailOf(sam))
	}
	res, err := r.host.PostAutomationsIDApplyNow(ctx, "clockify-onboarding", automation.ApplyRequest{Users: dns})
	if err != nil {
		return err
	}
	runStatus := map[string]string{}
	for _, id := range res.Runs {
		runStatus[id] = r.waitRun(ctx, id)
	}
	for _, sam := range onboard {
		status := r.waitMember(ctx, mailOf(sam), func(s string) bool { return s == "ACTIVE" || s == "PENDING" })
		o := Outcome{User: sam, Flow: "onboarding", Via: "apply-now", Before: orNone(before[sam]), After: orNone(status),
			OK: before[sam] == "" && (status == "ACTIVE" || status == "PENDING")}
		o.Runs = runsText(runStatus)
		r.report.Outcomes = append(r.report.Outcomes, o)
	}
	return nil
}

// offboard disables people in the directory and checks that the watcher,
// the automation and the engine deactivated their memberships.
func (r *runner) offboard(ctx context.Context, dir *directory.Client) error {
	before := map[string]string{}
	for _, sam := range offboard {
		u, err := find(ctx, dir, sam)
		if err != nil {
			return err
		}
		before[sam], _ = r.sb.member(ctx, mailOf(sam))
		if err := dir.Disable(ctx, u.DN); err != nil {
			return fmt.Errorf("disable %s in the demo directory: %w", sam, err)
		}
	}
	for _, sam := range offboard {
		status := r.waitMember(ctx, mailOf(sam), func(s string) bool { return s == "INACTIVE" })
		r.report.Outcomes = append(r.report.Outcomes, Outcome{User: sam, Flow: "offboarding", Via: "disabled in the directory",
			Before: orNone(before[sam]), After: orNone(status), OK: before[sam] == "ACTIVE" && status == "INACTIVE"})
	}
	// Name the runs the watcher started, for the report.
	if page, err := r.host.GetRuns(ctx, apiclient.Query(url.Values{"automation": {"clockify-offboarding"}})); err == nil {
		st := map[string]string{}
		for _, run := range page.Runs {
			st[run.ID] = string(run.Status)
		}
		for i := range r.report.Outcomes {
			if r.report.Outcomes[i].Flow == "offboarding" {
				r.report.Outcomes[i].Runs = runsText(st)
			}
		}
	}
	return nil
}

// waitRun polls a run until it leaves running and waiting.
func (r *runner) waitRun(ctx context.Context, id string) string {
	deadline := time.Now().Add(outcomeTimeout)
	for {
		v, err := r.host.GetRunsID(ctx, id)
		if err == nil && v.Status != "running" && v.Status != "waiting" {
			return string(v.Status)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if err != nil {
				return "unknown: " + err.Error()
			}
			return string(v.Status) + " (still, after " + outcomeTimeout.String() + ")"
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitMember polls the sandbox until email's membership satisfies ok or
// the timeout passes, and returns the last status seen.
func (r *runner) waitMember(ctx context.Context, email string, ok func(string) bool) string {
	deadline := time.Now().Add(outcomeTimeout)
	for {
		s, err := r.sb.member(ctx, email)
		if err == nil && ok(s) {
			return s
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return s
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func orNone(s string) string {
	if s == "" {
		return "not a member"
	}
	return s
}

func runsText(m map[string]string) string {
	var parts []string
	for id, st := range m {
		parts = append(parts, id+" "+st)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
