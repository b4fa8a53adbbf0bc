// Package demodir is a small in-memory directory server that answers LDAP
// the way Active Directory does, so the demo and the tests of the host can
// run against "a directory" without a domain controller.
//
// It is built on the protocol core of github.com/jimlambrt/gldap (message
// parsing, routing, response encoding) and adds what that core leaves to its
// users: storage, real filter evaluation (filters are parsed with go-ldap's
// parser), simple-paged results with cookies, writes with AD's checks and
// result codes, automatic memberOf, and USN change tracking. A thin front
// connection layer also answers ModifyDN and swallows Abandon, which the
// gldap core cannot route.
//
// Start one with Start, seed it with DemoSeed (or a Seed of your own), and
// point any go-ldap client at Server.URL:
//
//	srv, err := demodir.Start(ctx, demodir.Options{Seed: demodir.DemoSeed()})
//	if err != nil { ... }
//	defer srv.Close()
//	conn, _ := ldap.DialURL(srv.URL())
//	_ = conn.Bind(srv.BindDN(), srv.Password())
//
// Everything lives in memory: a restart loses every write and presents a new
// invocationId, exactly as a domain controller restored from backup would.
package demodir
