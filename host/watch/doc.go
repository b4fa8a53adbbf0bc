// Package watch follows changes in Active Directory (or a plain LDAP
// directory) and turns them into events that automations trigger on: a user
// created, changed, moved, disabled, re-enabled or deleted, and group
// membership changed.
//
// On AD the watcher follows uSNChanged: each poll reads the domain
// controller's highestCommittedUSN and asks only for objects changed since
// the last one it saw. A USN is only meaningful for one DC database, so the
// watcher also remembers the DC's identity (dsServiceName and the
// invocationId of its NTDS Settings object); when either changes — the DC
// was restored from backup or replaced — it falls back to a full compare of
// every user against its last snapshot. On OpenLDAP it follows entryCSN,
// strictly after the newest seen, and elsewhere modifyTimestamp, whose
// newest second is read again only until it settles; without tombstones,
// deletions are found by a sweep that reads only the IDs, and every
// attribute is compared once a day. A poll at rest reads nothing that did
// not change, and while no automation wants events (Options.Wanted) the
// watcher does not poll at all.
//
// The snapshot is compact (per user: DN, enabled flag, one hash per watched
// attribute, direct group DNs) and is persisted through State (DocsState
// keeps it in compressed chunks), so a restarted host carries on where it
// stopped. Beside it the watcher keeps, in memory, which groups are nested
// in which (groups only, read at start), so a group added into or taken out
// of a group is a membership change for exactly the users whose effective
// groups it changed. Events are delivered at least
// once: an event whose handler failed is redelivered on the next poll.
// Scope (OU, group, filter) is not evaluated here; each event carries the DN
// and attributes the caller needs to decide.
package watch
