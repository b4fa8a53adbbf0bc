package api

// ErrorCodes are the codes of error answers that clients may branch on,
// with what each means. The security page of the admin docs lists them
// (generated with the role table), and the host's bad-input test checks
// that every refusal carries one of them. A service that answers a new
// code adds it here.
var ErrorCodes = map[string]string{
	"unauthenticated":       "no token, or an unknown or revoked one (401)",
	"forbidden":             "the token's role is too low for the route, or for a field it sent (403)",
	"not_found":             "no such route, or no object with the id in the path (404)",
	"method_not_allowed":    "the path exists under other methods; `Allow` lists them (405)",
	"invalid_request":       "the body or a path value is malformed; the message and `fields` name the field (400)",
	"body_too_large":        "the body is over 4 MiB (413)",
	"conflict":              "the object exists, or is in a state that refuses the change; the message says which (409)",
	"busy":                  "another apply of the same data source is running (409)",
	"needs_confirmation":    "the sync changes more than its limit; review the plan and confirm (409)",
	"unknown_object":        "a directory object named in the body is not in the directory (422)",
	"unknown_template":      "the template named in the body does not exist (422)",
	"invalid_template":      "the template's steps, branches, macros or conditions are wrong; every problem is listed (422)",
	"invalid_datasource":    "the data source's fields, attributes or keys are wrong; every problem is listed (400)",
	"invalid_automation":    "the automation's trigger, scope or action is wrong; every problem is listed",
	"invalid_webhook":       "the webhook's method, URL, macros or body are wrong; every problem is listed",
	"invalid_endpoint":      "the inbound endpoint's definition is wrong; every problem is listed",
	"invalid_settings":      "an integration setting is missing or wrong; `fields` names each",
	"app_error":             "the app refused or failed a call; the message has its status, its message and the connector's advice (502)",
	"download_failed":       "the server at an install URL did not answer with the archive (502)",
	"directory_unavailable": "the directory could not be reached; try again when it is back (502/503)",
	"canceled":              "the client went away before the answer (499)",
	"timeout":               "the operation took too long (504)",
	"internal":              "a fault of the host; the log has the details under the request id (500)",
}
