// Package inbound manages the inbound endpoints of integrations: the API
// calls that read an app's records for data sources.
//
// An integration's connector declares preconfigured endpoints (Clockify's
// List Users, List Workers, ...), listed here from its Describe answer. An
// admin may add custom endpoints when the connector accepts them: URL,
// method, headers, query, paging and the path of the record list. The
// connector fills {WorkspaceID}-style placeholders from the integration's
// settings; host macros such as %integration.workspaceId% are checked when
// the endpoint is saved and rendered here before each Fetch.
//
// Test and save is the only way in. Test runs the endpoint for real (first
// page only) and returns the request and response as they crossed the wire,
// secrets masked, with the fields found in the records (flattened paths,
// types and sample values). Save accepts a definition only when a test of
// exactly that definition succeeded, so no endpoint is stored that was never
// seen to work, and the fields a data source is validated against are the
// fields that endpoint really returns. A passed test is recorded in the
// store as a mark keyed by the digest of the definition and its
// integration, so it survives restarts and is shared by hosts over one
// store; it authorises a save for TestMarkTTL and is then removed.
//
// The sync engine reads records through Service.Fetch, in batches as the
// connector streams them, and validates data sources with Service.Fields.
package inbound
