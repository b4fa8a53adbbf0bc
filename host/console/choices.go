package console

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/mapping"
)

// keptOf is what was typed into the form named name (its hidden "form"
// input), as a refused save or a row button left it in the flash; nil
// when the flash holds nothing typed into that form.
func keptOf(f *flash, name string) url.Values {
	if f == nil || f.Form == nil || f.Form.Get("form") != name {
		return nil
	}
	return f.Form
}

// attributeChoice is an LDAP attribute offered in a form.
type attributeChoice struct {
	Name string
	// Multi marks an attribute that holds several values.
	Multi bool
}

// commonUserAttributes are offered when the directory's schema cannot be
// listed (an older host, or the directory not answering): the attributes
// admins map most.
var commonUserAttributes = []string{"company", "department", "description", "displayName", "employeeID", "givenName",
	"mail", "manager", "physicalDeliveryOfficeName", "sAMAccountName", "sn", "telephoneNumber", "title", "userPrincipalName"}

// attributeChoices lists the attributes user objects may hold, from the
// directory's schema through the API, leaving out those the directory
// maintains itself. See decision 0270.
func (c *Console) attributeChoices(r *http.Request, s *session) []attributeChoice {
	var out []attributeChoice
	if c.routeTable().has(apiclient.RouteGetDirectoryAttributes) {
		if attrs, a := typed(c.client(r, s).GetDirectoryAttributes(r.Context())); a.ok() {
			for _, at := range attrs {
				if !at.ReadOnly {
					out = append(out, attributeChoice{Name: at.Name, Multi: !at.SingleValued})
				}
			}
		}
	}
	if len(out) == 0 {
		for _, n := range commonUserAttributes {
			out = append(out, attributeChoice{Name: n})
		}
	}
	return out
}

// appFieldChoices are the app fields offered for mappings, the match and
// primary keys: "alias:path" for each endpoint the form has chosen, then
// every endpoint's paths alone (a path that only one endpoint has needs no
// alias), each with the sample value its last test saw.
func appFieldChoices(endpoints []endpointChoice, chosen []mapping.EndpointRef) []fieldChoice {
	var out []fieldChoice
	seen := map[string]bool{}
	add := func(v, sample string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, fieldChoice{Value: v, Sample: sample})
		}
	}
	for _, ch := range chosen {
		if ch.Alias == "" {
			continue
		}
		for _, ep := range endpoints {
			if ep.IntegrationID == ch.IntegrationID && ep.EndpointID == ch.EndpointID && ep.Custom == ch.Custom {
				for _, f := range ep.Fields {
					add(ch.Alias+":"+f.Value, f.Sample)
				}
			}
		}
	}
	var paths []fieldChoice
	for _, ep := range endpoints {
		for _, f := range ep.Fields {
			if !seen[f.Value] {
				seen[f.Value] = true
				paths = append(paths, f)
			}
		}
	}
	sort.SliceStable(paths, func(i, j int) bool { return paths[i].Value < paths[j].Value })
	return append(out, paths...)
}
