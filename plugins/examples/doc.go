// Package examples holds the tutorial's Acme Directory connector written in
// other languages than Go, against the protocol document alone
// (docs/connectors/protocol.md): python-acme in Python with the Debian
// packages python3-grpcio and python3-protobuf, ts-acme in TypeScript with
// @grpc/grpc-js. Each folder's package/ subfolder is the extension as
// packed; this Go package only holds their tests, which run the
// conformance kit on both through `idbridge plugin conform`, install both
// into a host and plan a sync through each.
package examples
