// Package acmeapi is a small, faithful stand-in for the "Acme Directory"
// HTTP API that the connector tutorial talks to. It exists so that the
// tutorial's connector can be built, tested and tried without any account
// or network: the conformance tests start it on a loopback port.
//
// The API it serves, in full:
//
//	GET   /v1/tenants/{tenant}/me                  who the API key belongs to, and its role
//	GET   /v1/tenants/{tenant}/users?offset&limit  users, offset-paged, optional exact ?email=
//	POST  /v1/tenants/{tenant}/users               create a user (admin keys only)
//	GET   /v1/tenants/{tenant}/users/{id}          one user
//	PATCH /v1/tenants/{tenant}/users/{id}          change "active" or "team" (admin keys only)
//	GET   /v1/tenants/{tenant}/teams?offset&limit  teams, offset-paged
//
// Every call needs the X-Acme-Key header. Lists answer
// {"<kind>":[...],"total":N,"offset":O,"limit":L}; errors answer
// {"errors":[{"code":"...","detail":"..."}]} with the status a real API
// would use (400, 401, 403, 404, 405, 409, 422, 429 with Retry-After).
package acmeapi
