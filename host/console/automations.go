package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
	idauto "github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/orchestration"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/watch"
)

// automationEdit is the automation in the editor: the API's own type,
// and for each row of its scope users the id that row's Name was found
// for (Named), so that a row whose user was changed in the form shows no
// stale name. Named never leaves the console.
type automationEdit struct {
	idauto.Automation
	Named []string
}

// scopeUserRow is one row of the editor's scope users.
type scopeUserRow struct {
	idauto.ScopeUser
	Named string
}

// UserRows pairs each scope user with the id its name belongs to.
func (a automationEdit) UserRows() []scopeUserRow {
	out := make([]scopeUserRow, len(a.Scope.Users))
	for i, u := range a.Scope.Users {
		out[i].ScopeUser = u
		if i < len(a.Named) {
			out[i].Named = a.Named[i]
		}
	}
	return out
}

// eventKind is an AD change an event trigger can react to, in words.
type eventKind struct{ Kind, Words string }

// eventKinds are the AD changes an event trigger can react to, in the
// order an admin thinks of them (joiners, movers, leavers).
var eventKinds = []eventKind{
	{"user.created", "a user is created"},
	{"scope.entered", "a user comes into the scope (moved into the OU, added to the group)"},
	{"user.changed", "a user's attributes change"},
	{"user.moved", "a user moves to another OU"},
	{"user.groups.changed", "a user's groups change"},
	{"user.disabled", "a user is disabled"},
	{"user.reenabled", "a user is enabled again"},
	{"scope.left", "a user leaves the scope"},
	{"user.deleted", "a user is deleted"},
}

// automationForm is the name the automation editor's kept form carries.
const automationForm = "automation"

// automationsData is the automations page.
type automationsData struct {
	Automations []idauto.Automation
	Err         string
	Templates   []orchestration.Template
	Sources     []idsync.DataSource
	Events      []eventKind
	Form        automationEdit
	Editing     bool
	// DeactivationLimit is the limit as typed or stored.
	DeactivationLimit string
	// NextRuns are when the form's schedule runs next, in words, and
	// TimeZone where its hours are read; ScheduleErr is why it does not
	// parse. NextRun has the next run of each listed automation on a
	// schedule, by id. See decision 0269.
	NextRuns    []string
	TimeZone    string
	ScheduleErr string
	NextRun     map[string]string
	// Applied is the last apply-now answer.
	CanEdit, CanToggle, CanApply bool
}

func (c *Console) automationsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetAutomations) {
		http.Redirect(w, r, "/s/automations", http.StatusSeeOther)
		return
	}
	role := s.principal.Role
	d := automationsData{Events: eventKinds, NextRun: map[string]string{},
		CanEdit:   rt.allows(role, apiclient.RoutePostAutomations),
		CanToggle: rt.allows(role, apiclient.RoutePostAutomationsIDEnable),
		CanApply:  rt.allows(role, apiclient.RoutePostAutomationsIDApplyNow),
	}
	d.Form.Trigger.Type = "manual"
	cl := c.client(r, s)
	if list, a := typed(cl.GetAutomations(r.Context())); a.ok() {
		d.Automations = list
	} else {
		d.Err = a.Err
	}
	for _, au := range d.Automations {
		if au.Trigger.Type == idauto.TriggerSchedule {
			if next, _, _ := c.nextRuns(r, s, au.Trigger.Schedule, 1); len(next) > 0 {
				d.NextRun[au.ID] = next[0]
			}
		}
	}
	if d.CanEdit {
		d.Templates, _ = typed(cl.GetTemplates(r.Context()))
		d.Sources, _ = typed(cl.GetDatasources(r.Context()))
		if id := r.FormValue("edit"); id != "" {
			au, a := typed(cl.GetAutomationsID(r.Context(), id))
			if !a.ok() {
				c.refuse(w, r, s, a.Status, a.Err)
				return
			}
			d.Form = automationEdit{Automation: au}
			for _, u := range au.Scope.Users {
				d.Form.Named = append(d.Form.Named, u.ID)
			}
			d.Editing = true
		}
		if d.Form.Options.DeactivationLimit != 0 {
			d.DeactivationLimit = strconv.Itoa(d.Form.Options.DeactivationLimit)
		}
		// A refused save, or Check schedule: the editor shows what was
		// typed. See decisions 0222 and 0269.
		if kept := keptOf(c.sessions.peekFlash(s), automationForm); kept != nil {
			d.Form = automationFromForm(kept)
			d.Editing = kept.Get("editing") == "true"
			d.DeactivationLimit = kept.Get("options.deactivationLimit")
		}
		if d.Form.Trigger.Type == idauto.TriggerSchedule || d.Form.Trigger.Schedule != "" {
			d.NextRuns, d.TimeZone, d.ScheduleErr = c.nextRuns(r, s, d.Form.Trigger.Schedule, 3)
		}
	}
	c.render(w, http.StatusOK, "automations", c.newPage(s, "automations", "Automations", d))
}

// nextRuns asks the API when a schedule runs next and says it in words:
// the times, the time zone they are in, or why the schedule is refused.
func (c *Console) nextRuns(r *http.Request, s *session, schedule string, n int) (runs []string, zone, problem string) {
	if strings.TrimSpace(schedule) == "" || !c.routeTable().has(apiclient.RouteGetSchedulesNext) {
		return nil, "", ""
	}
	q := url.Values{"schedule": {schedule}, "count": {strconv.Itoa(n)}}
	times, a := typed(c.client(r, s).GetSchedulesNext(r.Context(), apiclient.Query(q)))
	if !a.ok() {
		for _, f := range a.Fields {
			if f.Field == "schedule" {
				return nil, "", f.Message
			}
		}
		return nil, "", a.Err
	}
	now := c.opts.Now()
	for _, t := range times.Next {
		runs = append(runs, whenInWords(t, now))
	}
	return runs, times.TimeZone, ""
}

// whenInWords writes a time an admin reads at a glance: the day, the
// time in its zone, and how far off it is.
func whenInWords(t, now time.Time) string {
	out := t.Format("Mon 2 Jan 2006, 15:04 MST")
	d := t.Sub(now).Round(time.Minute)
	switch {
	case d < time.Minute:
		return out + " (now)"
	case d < time.Hour:
		return out + " (in " + strconv.Itoa(int(d.Minutes())) + " min)"
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return out + " (in " + strconv.Itoa(h) + " h)"
		}
		return out + " (in " + strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min)"
	}
	return out + " (in " + strconv.Itoa(int(d.Hours()/24)) + " days)"
}

// automationFromForm reads the editor's inputs, named like the API's
// JSON fields; only the chosen trigger's own fields are kept.
func automationFromForm(form url.Values) automationEdit {
	f := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	var a automationEdit
	a.ID, a.Name, a.Description = f("id"), f("name"), f("description")
	a.Trigger.Type = idauto.TriggerType(f("trigger.type"))
	switch a.Trigger.Type {
	case idauto.TriggerEvent:
		for _, e := range form["trigger.events"] {
			a.Trigger.Events = append(a.Trigger.Events, watch.Kind(e))
		}
	case idauto.TriggerSchedule:
		a.Trigger.Schedule = f("trigger.schedule")
	}
	a.Scope.OU, a.Scope.Group, a.Scope.Filter = f("scope.ou"), f("scope.group"), f("scope.filter")
	a.Scope.Subtree, a.Scope.Nested = f("scope.subtree") == "on", f("scope.nested") == "on"
	// Every row as typed, empty ones too: the form draws them again.
	for _, row := range rowValues(form, "scope.users") {
		a.Scope.Users = append(a.Scope.Users, idauto.ScopeUser{ID: strings.TrimSpace(row.Get("id")), Name: row.Get("name")})
		a.Named = append(a.Named, row.Get("named"))
	}
	if action := f("action"); strings.HasPrefix(action, "sync:") {
		a.Action.Sync = strings.TrimPrefix(action, "sync:")
	} else {
		a.Action.Template = strings.TrimPrefix(action, "template:")
	}
	if n, err := strconv.Atoi(f("options.deactivationLimit")); err == nil {
		a.Options.DeactivationLimit = n
	}
	return a
}

// saveAutomation creates or replaces an automation from the form; the API
// checks trigger, scope and action, and each problem is drawn beside its
// input. Check schedule sends the form back with the schedule's next runs,
// saving nothing.
func (c *Console) saveAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	_ = r.ParseForm()
	editing := r.PostFormValue("editing") == "true"
	back := "/automations#editor"
	if editing {
		back = "/automations?edit=" + url.QueryEscape(r.PostFormValue("id")) + "#editor"
	}
	if form, ok := rowEdit(r); ok {
		c.redraw(w, r, s, form, back)
		return
	}
	a := automationFromForm(r.PostForm).Automation
	if v := strings.TrimSpace(r.PostFormValue("options.deactivationLimit")); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			c.done(w, r, s, answer{Status: http.StatusBadRequest, Code: "invalid_automation", Err: "The deactivation limit is not a number.",
				Fields: []api.FieldError{{Field: "options.deactivationLimit", Message: "a whole number, 0 or more (empty for the engine's default)"}}}, "", back)
			return
		}
	}
	// Empty user rows are not sent; the API's problems with the users
	// sent are put back on the rows they came from. See decision 0274.
	rows := a.Scope.Users
	a.Scope.Users = nil
	var rowOf []int
	for i, u := range rows {
		if u.ID != "" {
			a.Scope.Users = append(a.Scope.Users, idauto.ScopeUser{ID: u.ID})
			rowOf = append(rowOf, i)
		}
	}
	var ans answer
	if editing {
		_, ans = typed(c.client(r, s).PutAutomationsID(r.Context(), a.ID, a))
	} else {
		a.ID = ""
		_, ans = typed(c.client(r, s).PostAutomations(r.Context(), a))
	}
	ans.Fields = toFormRows(ans.Fields, map[string][]int{"scope.users": rowOf})
	if ans.ok() {
		back = "/automations#automations"
	}
	c.done(w, r, s, ans, "Saved automation "+a.Name+". It runs on its trigger once enabled; apply it now for chosen users at any time.", back)
}

func (c *Console) toggleAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	cl := c.client(r, s)
	toggle, msg := cl.PostAutomationsIDDisable, "Disabled "+id+"; its configuration is kept."
	if r.PostFormValue("enabled") == "true" {
		toggle, msg = cl.PostAutomationsIDEnable, "Enabled "+id+"."
	}
	_, a := typed(toggle(r.Context(), id))
	c.done(w, r, s, a, msg, "/automations")
}

// applyAutomation runs an automation now for the users and groups typed
// in, then opens the run it started.
func (c *Console) applyAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	lines := func(k string) []string {
		var out []string
		for _, l := range strings.Split(r.PostFormValue(k), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	res, a := typed(c.client(r, s).PostAutomationsIDApplyNow(r.Context(), id, idauto.ApplyRequest{Users: lines("users"), Groups: lines("groups")}))
	back := "/automations"
	msg := "Applied " + id + " now."
	if a.ok() {
		switch {
		case res.Held:
			msg = "An integration it uses is disabled: the run is held until it is enabled."
		case len(res.Runs) == 1 && c.routeTable().has(apiclient.RouteGetRunsID):
			back = "/runs/" + url.PathEscape(res.Runs[0])
			msg = "Applied " + id + " now for " + strconv.Itoa(res.Objects) + " user(s); this is its run."
		}
	}
	c.done(w, r, s, a, msg, back)
}
