package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/apiclient"
)

// automation mirrors the automation API's JSON.
type automation struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Enabled     bool   `json:"enabled"`
	Trigger     struct {
		Type     string   `json:"type"`
		Events   []string `json:"events,omitempty"`
		Schedule string   `json:"schedule,omitempty"`
	} `json:"trigger"`
	Scope struct {
		OU      string `json:"ou,omitempty"`
		Subtree bool   `json:"subtree,omitempty"`
		Group   string `json:"group,omitempty"`
		Nested  bool   `json:"nested,omitempty"`
		Filter  string `json:"filter,omitempty"`
	} `json:"scope"`
	Action struct {
		Template string `json:"template,omitempty"`
		Sync     string `json:"sync,omitempty"`
	} `json:"action"`
	Options struct {
		DeactivationLimit int `json:"deactivationLimit,omitempty"`
	} `json:"options"`
	Integrations []string  `json:"integrations,omitempty"`
	Updated      time.Time `json:"updated,omitzero"`
}

// eventKinds are the AD changes an event trigger can react to.
var eventKinds = []string{"user.created", "scope.entered", "user.changed", "user.moved", "user.disabled", "user.reenabled", "user.deleted", "scope.left", "user.groups.changed"}

// automationsData is the automations page.
type automationsData struct {
	Automations []automation
	Err         string
	Templates   []struct{ ID, Name string }
	Sources     []struct{ ID, Name string }
	Events      []string
	Form        automation
	Editing     bool
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
	d := automationsData{Events: eventKinds,
		CanEdit:   rt.allows(role, apiclient.RoutePostAutomations),
		CanToggle: rt.allows(role, apiclient.RoutePostAutomationsIDEnable),
		CanApply:  rt.allows(role, apiclient.RoutePostAutomationsIDApplyNow),
	}
	d.Form.Trigger.Type = "manual"
	pg := c.newPage(s, "automations", "Automations", nil)
	if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetAutomations, nil, nil); a.ok() {
		_ = a.decode(&d.Automations)
	} else {
		d.Err = a.Err
	}
	if d.CanEdit {
		if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetTemplates, nil, nil); a.ok() {
			_ = a.decode(&d.Templates)
		}
		if a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetDatasources, nil, nil); a.ok() {
			_ = a.decode(&d.Sources)
		}
		// A refused save draws the form again as it was typed (see
		// decision 0222).
		if fl := pg.Flash; fl != nil && fl.Form.Has("trigger.type") {
			d.Form, d.Editing = automationFromForm(fl.Form), fl.Form.Get("editing") == "true"
			d.Form.Trigger.Schedule, d.Form.Trigger.Events = fl.Form.Get("trigger.schedule"), fl.Form["trigger.events"]
		} else if id := r.FormValue("edit"); id != "" {
			a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetAutomationsID, []string{id}, nil)
			if !a.ok() {
				c.refuse(w, r, s, a.Status, a.Err)
				return
			}
			_ = a.decode(&d.Form)
			d.Editing = true
		}
	}
	pg.Data = d
	c.render(w, http.StatusOK, "automations", pg)
}

// saveAutomation creates or replaces an automation from the form; the API
// checks trigger, scope and action and says what is wrong.
func (c *Console) saveAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	_ = r.ParseForm()
	a := automationFromForm(r.PostForm)
	var ans answer
	if r.PostFormValue("editing") == "true" {
		ans = c.api.call(r.Context(), r, s.token, apiclient.RoutePutAutomationsID, []string{a.ID}, a)
	} else {
		a.ID = ""
		ans = c.api.call(r.Context(), r, s.token, apiclient.RoutePostAutomations, nil, a)
	}
	c.done(w, r, s, ans, "Saved automation "+a.Name+". It runs on its trigger once enabled; apply it now for chosen users at any time.", editorUnless("/automations", ans))
}

// automationFromForm reads the automation form: to save it, and to draw
// a refused one again as it was typed.
func automationFromForm(form url.Values) automation {
	f := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	var a automation
	a.ID, a.Name, a.Description = f("id"), f("name"), f("description")
	a.Trigger.Type, a.Trigger.Schedule = f("trigger.type"), f("trigger.schedule")
	if a.Trigger.Type == "event" {
		a.Trigger.Events = form["trigger.events"]
	}
	if a.Trigger.Type != "schedule" {
		a.Trigger.Schedule = ""
	}
	a.Scope.OU, a.Scope.Group, a.Scope.Filter = f("scope.ou"), f("scope.group"), f("scope.filter")
	a.Scope.Subtree, a.Scope.Nested = f("scope.subtree") == "on", f("scope.nested") == "on"
	if action := f("action"); strings.HasPrefix(action, "sync:") {
		a.Action.Sync = strings.TrimPrefix(action, "sync:")
	} else {
		a.Action.Template = strings.TrimPrefix(action, "template:")
	}
	if n, err := strconv.Atoi(f("deactivation_limit")); err == nil {
		a.Options.DeactivationLimit = n
	}
	return a
}

func (c *Console) toggleAutomation(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	route, msg := apiclient.RoutePostAutomationsIDDisable, "Disabled "+id+"; its configuration is kept."
	if r.PostFormValue("enabled") == "true" {
		route, msg = apiclient.RoutePostAutomationsIDEnable, "Enabled "+id+"."
	}
	a := c.api.call(r.Context(), r, s.token, route, []string{id}, nil)
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
	req := map[string][]string{}
	if u := lines("users"); len(u) > 0 {
		req["users"] = u
	}
	if g := lines("groups"); len(g) > 0 {
		req["groups"] = g
	}
	a := c.api.call(r.Context(), r, s.token, apiclient.RoutePostAutomationsIDApplyNow, []string{id}, req)
	var res struct {
		Runs    []string `json:"runs"`
		Objects int      `json:"objects"`
		Held    bool     `json:"held"`
	}
	back := "/automations"
	msg := "Applied " + id + " now."
	if a.ok() && a.decode(&res) == nil {
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
