// Package templates is the format of the orchestration templates an
// extension ships in its templates/ folder: part of the extension contract
// with the manifest, so every connector's templates are read the same way
// and the host needs no connector's code to offer them (see decision 0201).
//
// A template is one JSON document: ordered steps, each a webhook call, a
// condition or a delay, with success and failure branches that only jump
// forward, so a template cannot loop. Webhook inputs are macros
// (%ad.mail%, %steps.member.userId%, %previous.department%), conditions are
// CEL. A template may declare custom webhooks of its own, which the host
// installs with it.
//
// Load reads a folder strictly (an unknown field is an error). Validate
// checks what the files alone can tell and runs at pack and at install;
// Check adds what the connector's Describe tells. Macros and conditions are
// the host's language, so the host checks them when it saves a template.
package templates
