// Package dirtest gives Go tests the real directory servers that the
// project's test setup (.ci/with-directories) starts: a Samba AD domain
// controller and an OpenLDAP server on loopback, described by environment
// variables.
//
// A test asks for a server with AD or OpenLDAP, connects with Connect, and
// works inside its own OU from NewOU, so tests never see each other's
// entries and need no cleanup. Without the variables the test is skipped
// with the reason; with CI=true it fails instead, because CI must not pass
// by skipping. StartSlapd starts a private, throwaway OpenLDAP for tests
// that need to stop a server on purpose.
package dirtest
