// Package wire holds what the host and every connector must agree on byte for
// byte: the go-plugin handshake, the protocol versions, the name under which
// the connector service is dispensed, and the go-plugin glue for the gRPC
// service in proto/connector/v1.
//
// Both sides import this one package, so a version bump happens in one place
// and cannot drift between the host and the SDK.
package wire
