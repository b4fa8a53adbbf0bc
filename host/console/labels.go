package console

import "github.com/idbridge/idbridge/host/api"

// formLabels are the words each form shows beside its inputs, by the
// API field paths the form's inputs send (list items as "[]", "#" for the
// row counted from 1), keyed by the route pattern the form posts to. A
// refused save names every problem with these words ("URL: required",
// "Header 1 value, line 1, column 3: ..."), never with the API's path
// (`headers[0].value`); a path a form does not list is put into words by
// api.FieldLabel. See decision 0271.
//
// These are not the labels in the API's message. The data source and
// template services name a place by what it holds ("LDAP attribute of
// the mapping to 'mail'", "Step 2 “Notify manager”") for readers with no
// form in front of them: the command line, and the template JSON editor,
// which shows the message whole. A table by path cannot name an item by
// its content, and the message counts only the items sent and is one
// string, so the console takes its words from fields[] and never from
// the message. Both kinds stay; see decision 0280.
var formLabels = map[string]map[string]string{
	"POST /integrations/{id}/outbound/webhooks":       webhookLabels,
	"POST /integrations/{id}/inbound":                 endpointLabels,
	"POST /integrations/{id}/inbound/{endpoint}/save": endpointLabels,
	"POST /automations/save":                          automationLabels,
	"POST /tokens":                                    {"name": "Name", "role": "Role"},
}

// rowLabels name the rows of the name/value lists the forms draw.
var rowLabels = map[string]string{
	"headers[]": "Header #",
	"query[]":   "Query parameter #",
	"outputs[]": "Output #",
}

var webhookLabels = withRows(map[string]string{
	"id":          "ID",
	"name":        "Name",
	"method":      "Method",
	"url":         "URL",
	"description": "Description",
	"messageType": "Message type",
	"body":        "Body",
	"verify":      "Verify",
	"outputs":     "Outputs",
})

var endpointLabels = withRows(map[string]string{
	"id":                "ID",
	"name":              "Name",
	"method":            "Method",
	"url":               "URL",
	"recordsPath":       "Records path",
	"primaryKey":        "Primary key field",
	"description":       "Description",
	"paging":            "Paging",
	"paging.kind":       "Paging kind",
	"paging.pageParam":  "Page, offset or cursor parameter",
	"paging.sizeParam":  "Page size parameter",
	"paging.pageSize":   "Page size",
	"paging.firstPage":  "First page number",
	"paging.cursorPath": "Cursor path",
})

var automationLabels = map[string]string{
	"name":                      "Name",
	"description":               "Description",
	"trigger":                   "Trigger",
	"trigger.type":              "Trigger",
	"trigger.events":            "Events",
	"trigger.schedule":          "Schedule",
	"scope":                     "Scope",
	"scope.ou":                  "OU",
	"scope.group":               "Group",
	"scope.filter":              "LDAP filter",
	"scope.nested":              "Nested group members",
	"scope.users":               "Scope users",
	"scope.users[]":             "Scope user #",
	"action":                    "What runs",
	"action.template":           "What runs",
	"action.sync":               "What runs",
	"options.deactivationLimit": "Deactivation limit",
}

// formInputs name, by form, the inputs of API fields that a form's input
// is not named like.
var formInputs = map[string]map[string]string{
	"POST /automations/save": {
		"action.template": "action",
		"action.sync":     "action",
		"scope.users":     "scope.users",
	},
}

// withRows adds the name/value lists' row labels to a form's labels.
func withRows(labels map[string]string) map[string]string {
	for k, v := range rowLabels {
		labels[k] = v
	}
	return labels
}

// labelOf names the API field path of a problem with the form's words,
// or in words made from the path when the form has none.
func labelOf(pattern, path string) string {
	labels := formLabels[pattern]
	if labels == nil {
		labels = rowLabels
	}
	return api.FieldLabel(path, labels)
}
