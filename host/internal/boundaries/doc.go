// Package boundaries holds the test that keeps the repository's import
// rules (see decision 0201): the SDK, the protocol, the connectors and the
// marketplace never import the host, and the host never imports a
// connector, so the host learns about Clockify exactly as it would about a
// third party's connector: from its extension and its Describe. The rules
// are checked on `go list` of every module of the checkout, so a change
// that crosses a line fails the build's tests.
package boundaries
