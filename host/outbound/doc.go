// Package outbound manages outbound webhooks: the API calls that change an
// app (add a user, deactivate one, add them to a group).
//
// A webhook is either preconfigured (declared by the connector and read from
// the integration's Describe answer) or custom (written by an admin and
// stored as a document of kind "outbound.webhook"). Both are the same
// [Webhook] value: method, URL, headers, query, message type, body and
// output paths, every one a macro template.
//
// # Inputs
//
// Connectors cannot know where a value comes from, so their webhooks name
// their inputs with bare macros (%email%, %userId%). An orchestration step
// (or a test) binds each input to a macro of its own (%ad.mail%,
// %steps.find.userId%). Custom webhooks may use bare inputs too, or reach
// the namespaces directly (%ad.mail%, %integration.workspaceId%).
//
// # Checking and rendering
//
// [Compile] parses every template of a webhook and checks it against a
// macro scope at save time, so an unknown macro is refused before any run.
// [Compiled.Bind] checks a step's input bindings the same way.
// [Compiled.Render] turns the webhook into a connectorv1.RenderedCall for
// one object, escaping each value for where it lands (URL path, header,
// query, JSON, form, XML or text) and failing, naming the macro and the
// object, when a value is missing: an empty string is never sent instead.
//
// # Test and save
//
// [Service.Test] runs a webhook for real for chosen AD objects and returns,
// per object, the request as sent and the response, with secrets masked.
// It saves the webhook only when asked and every call succeeded.
package outbound
