// Package tutorial is the connector built step by step in the connector
// tutorial (docs/connectors/tutorial.md): a connector for the "Acme
// Directory" HTTP API, declared with package sdk. It reads users and teams
// (API key auth, offset paging), adds, finds and deactivates users, checks
// the key's role in its connection test, and reads Acme's error bodies.
//
// Package acmeapi beside it is a test server of that API, so the tutorial
// runs offline; the tests run the SDK's conformance kit against both.
package tutorial
