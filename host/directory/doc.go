// Package directory is the host's access to Active Directory and plain LDAP
// directories (OpenLDAP with inetOrgPerson), over go-ldap.
//
// A Client dials over LDAPS or StartTLS (plain ldap:// only when asked),
// binds with a service account, detects whether the server is AD from its
// rootDSE, and redials by itself when the connection drops. Searches are
// paged and streamed to a callback so that a directory of any size is read
// with one page in memory. Reads return User values with a stable ID
// (objectGUID on AD, entryUUID elsewhere) and the attributes the host maps;
// writes cover what sync and automations need: modify, create, disable and
// enable, move, and group membership.
//
// Every filter that contains data is built with ldap.EscapeFilter, and every
// failure is returned as an *Error whose kind (ErrBindFailed, ErrTLS, ...)
// can be tested with errors.Is and whose text tells the admin what to fix.
package directory
