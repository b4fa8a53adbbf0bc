// Package connectortest is the conformance kit for connectors. An author
// runs it from go test against their connector and a test server of their
// app (a sandbox, or an httptest server):
//
//	func TestConformance(t *testing.T) {
//		connectortest.Run(t, connectortest.Config{
//			Connector:      myapp.Connector(),     // in-process
//			Plugin:         "bin/idbridge-myapp", // and/or the real binary
//			Settings:       map[string]string{"baseUrl": srv.URL, "apiKey": "k"},
//			BaseURLSetting: "baseUrl",
//			Samples:        map[string]map[string]string{"add-user": {"email": "a@b.c"}},
//		})
//	}
//
// It checks that Describe is well formed, that every preconfigured endpoint
// fetches, that every webhook invokes with the author's sample inputs, that
// app errors are mapped to the right kinds, that 5xx answers are retried,
// that a custom endpoint on another host is refused before any request, and
// that at the connector's own rate limit no 429 reaches the caller.
//
// The kit puts a loopback proxy of its own between the connector and the
// test server, so that it can inject failures and enforce a rate limit
// whatever the server is. A connector given as a binary is launched by
// Launch as a host launches it: go-plugin handshake, checksum pinning and
// mutual TLS. The kit depends only on the SDK, so a connector written
// outside this repository runs it with nothing but the SDK module.
package connectortest
