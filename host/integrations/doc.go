// Package integrations manages integrations: an installed connector put to
// use by an admin, with its settings, its authorization and its running
// plugin.
//
// An Integration is stored as a document of kind "integration". Plain
// settings are kept as they are; settings the connector declares secret
// (the Clockify API key) are sealed with the host's master key, bound to the
// integration id and setting key, and are never returned by the API: views
// show "****" and a set flag. Every secret value is registered with the
// host's Masker as it is loaded or set, so logs and run records cannot show
// it.
//
// The settings schema comes from the connector's Describe answer, which is
// cached in the record: values are checked on save (unknown keys, secret
// keys in the wrong place, types, enumerations and patterns), and required
// settings are checked when they are needed, at Enable and Test.
//
// Enable starts the plugin under supervision (through Runner, which the
// plugin supervisor implements), runs and caches Describe, then Test; the
// integration is enabled only when the test passes. Disable stops the
// plugin, keeps the configuration and tells every Observer, so that
// automations using the integration pause.
//
// Other host packages use an enabled integration through Connector, which
// fills in the decrypted settings on each call so that no caller handles
// them, or through Settings when they must (macro rendering of
// %integration.x% values).
package integrations
