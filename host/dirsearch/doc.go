// Package dirsearch is the REST API's search over the directory, which
// the console's picker and the CLI use wherever an admin names a user, a
// group or an OU: GET /v1/directory/search finds them by name, logon name
// or mail, a page at a time, for operators and admins (see decision
// 0223).
package dirsearch
