// Package sync keeps data sources and runs them: it reads an app's records
// through inbound endpoints, joins them on the primary key, reads the
// directory users in the data source's scope, matches the two and plans
// what to change, then (on apply) writes the plan to the directory and
// records every change in the run records.
//
// A data source is validated when it is saved: its fields against what each
// endpoint really returns (the fields of its last test and save, or the
// connector's declared fields) and its LDAP attributes against the
// directory's schema. A typo is refused then, not found at the night's run.
//
// Plan is a dry run: it returns the plan by category (updates, creates, no
// change, orphans, conflicts) with counts and the join report, and writes
// nothing. Apply plans afresh and then writes. It refuses, and leaves the
// run waiting, when the plan changes more than the data source's change
// limit without confirmation, so a bad mapping cannot rewrite the
// directory unattended. Every write is recorded as it happens, with the
// values before and after and its outcome; when the directory goes away
// mid-run the run stops, the write in flight is recorded as unknown and the
// rest as not applied, so the record says exactly what was done.
//
// Records and users are streamed: the connector's batches and the
// directory's pages go straight into the planner, which keeps only what the
// plan needs.
package sync
