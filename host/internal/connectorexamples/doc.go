// Package connectorexamples tests the connectors of plugins/examples,
// written in Python and TypeScript against the protocol document alone,
// the way an author and an admin use them: `idbridge plugin conform` on
// each, then each packed, installed into a host, enabled and planned
// through. It holds only tests; host tests may drive connectors as
// fixtures, connectors may not import the host.
package connectorexamples
