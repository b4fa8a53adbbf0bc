// Package apiclient is the typed Go client of the host's REST API, shared
// by the CLI, the console and the demo so that all three speak one
// contract.
//
// The methods and route descriptors in routes_gen.go are generated from
// the host's own route table (every api.Route with its Request and
// Response types): one method per route, named after the route's OpenAPI
// operationId, taking the path parameters as arguments and answering the
// API's own Go types. A renamed field or route in the API is therefore a
// compile error in every client, not a page or a command that silently
// shows nothing. A test fails when the generated file is stale; run
// `go generate ./host/apiclient` (or `make client`) after changing a route.
// See decision 0265.
//
// The client works over HTTP (Client.HTTP is an *http.Client) and in
// process (Handler calls an http.Handler directly, as the console does
// with the signed-in admin's token). See decision 0266.
package apiclient

//go:generate go run ./internal/gen -out routes_gen.go
