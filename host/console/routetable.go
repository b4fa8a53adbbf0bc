package console

import (
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

// routeTable is the API's route list as pages query it: which operations
// exist (a service may not be wired yet) and which role each needs.
type routeTable []api.Route

func (c *Console) routeTable() routeTable { return routeTable(c.opts.API.Routes()) }

// find returns the route with method and pattern, as written in the route
// table (the audit log names routes so).
func (t routeTable) find(method, pattern string) (api.Route, bool) {
	for _, r := range t {
		if r.Method == method && r.Pattern == pattern {
			return r, true
		}
	}
	return api.Route{}, false
}

// has reports whether the route exists: a service may not be wired on
// this host. Routes are named by the typed client's descriptors, so a
// page cannot ask about a route the API does not have.
func (t routeTable) has(route apiclient.Route) bool {
	_, ok := t.find(route.Method, route.Pattern)
	return ok
}

// allows reports whether the route exists and role may call it; pages draw
// a control only when it does.
func (t routeTable) allows(role api.Role, route apiclient.Route) bool {
	r, ok := t.find(route.Method, route.Pattern)
	return ok && role.Allows(r.MinRole)
}

// section is a group of API routes shown on one generic page, for the
// services the console draws from the route table alone.
type section struct {
	Key, Label string
	// Intro says what the section is for.
	Intro string
	// Match picks the routes by their pattern.
	Match []string
}

// sections are the parts of the admin's path served by generic pages: any
// route whose pattern contains one of Match belongs to the section, so a
// service lands in the console the moment its routes are mounted.
var sections = []section{
	{Key: "sync", Label: "Data sources & sync", Match: []string{"/datasources", "/data-sources", "/sync"},
		Intro: "Data sources join inbound endpoints on a primary key and map app fields to LDAP attributes. A sync plan lists, per category, the updates, creations, orphans and conflicts; apply it to write the changes."},
	{Key: "outbound", Label: "Outbound", Match: []string{"/webhooks", "/outbound"},
		Intro: "Outbound webhooks change the app. Test one against chosen AD users or groups to see the request and the response, with secrets masked, before saving it."},
	{Key: "templates", Label: "Templates", Match: []string{"/templates", "/orchestration"},
		Intro: "Orchestration templates: steps in order, with success and failure branches."},
	{Key: "automations", Label: "Automations", Match: []string{"/automations"},
		Intro: "Automations: a trigger, a scope and what runs. Operators may apply them now; admins create, edit and enable them."},
	{Key: "runs", Label: "Runs", Match: []string{"/runs"},
		Intro: "Runs: per object and per step, what was sent and what came back (secrets masked), and the outcome. Failed runs can be retried."},
	{Key: "audit", Label: "Audit log", Match: []string{"/audit"},
		Intro: "Every change of configuration: who, what, when, before and after with secrets masked."},
	{Key: "tokens", Label: "API tokens", Match: []string{"/tokens"},
		Intro: "API tokens sign the CLI and the console in. A new token's secret is shown once."},
}

func sectionByKey(key string) (section, bool) {
	for _, s := range sections {
		if s.Key == key {
			return s, true
		}
	}
	return section{}, false
}

// section returns the routes of sec, in registration order.
func (t routeTable) section(sec section) []api.Route {
	var out []api.Route
	for _, r := range t {
		for _, m := range sec.Match {
			if strings.Contains(r.Pattern, m) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// wildcards lists the {name} parts of a pattern, in order.
func wildcards(pattern string) []string {
	var out []string
	for _, part := range strings.Split(pattern, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, strings.TrimSuffix(strings.TrimSuffix(strings.Trim(part, "{}"), "..."), "$"))
		}
	}
	return out
}

// fill replaces a pattern's wildcards with escaped values; it reports
// false when a value is missing.
func fill(pattern string, values func(string) string) (string, bool) {
	parts := strings.Split(pattern, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			name := strings.TrimSuffix(strings.TrimSuffix(strings.Trim(part, "{}"), "..."), "$")
			v := values(name)
			if v == "" {
				return "", false
			}
			parts[i] = url.PathEscape(v)
		}
	}
	return strings.Join(parts, "/"), true
}
