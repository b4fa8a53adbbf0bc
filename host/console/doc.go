// Package console is the host's web console: server-rendered HTML pages,
// a little JavaScript and no front-end build, served by `idbridge serve`
// beside the REST API.
//
// The console holds no domain logic and no authorization rules of its own.
// Every read and every change is dispatched in-process through the API
// server's own handler, with the bearer token of the signed-in session, so
// the API's authentication, roles, error mapping and audit apply to a click
// exactly as they apply to a curl call (decision 0110). A page asks the
// route table which operations exist: a service that is not wired into the
// host yet shows as "not available" instead of failing, and controls for
// operations above the signed-in role are not drawn at all.
//
// Pages call the API through the generated typed client (host/apiclient)
// and hold its answers, and build its requests, in the API's own Go
// types; the console declares only what a page computes or a form holds
// as typed. A field renamed in the API is a compile error here, not an
// empty cell on a page (decision 0281).
//
// Sessions: an admin signs in with an API token, which the console keeps
// in memory on the server side; the browser gets only a random session id
// in a cookie (HttpOnly, SameSite=Strict, Secure under TLS). Every form
// carries the session's CSRF token, checked on every request that is not
// a GET or HEAD (decision 0111).
//
// Wiring, in the application (host/app does this):
//
//	c, err := console.New(console.Options{API: a.API, Auth: a.Tokens, Logger: a.Log.Named("console")})
//	root := console.Mux(a.API, c) // /v1/, /healthz, /readyz, /metrics to the API; the rest to the console
package console
