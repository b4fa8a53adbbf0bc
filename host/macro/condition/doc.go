// Package condition compiles and evaluates the conditions of orchestration
// templates, written in CEL (the Common Expression Language) rather than a
// home-grown language: CEL is typed, side-effect free, bounded in cost, and
// documented elsewhere for admins.
//
// A condition sees the same namespaces as macros in the same place, as CEL
// maps: ad, integration, steps, object (and record in data sources):
//
//	ad.department == "Sales" && !ad.memberOf.exists(g, g.startsWith("CN=Contractors"))
//	has(ad.employeeID) && steps.addUser.id != ""
//	object.parent.endsWith("OU=Staff,DC=example,DC=com")
//
// [Compile] runs when the template is saved: it type-checks the expression
// to a boolean and refuses names the scope does not declare (ad.mial), with
// the position and a suggestion. [Condition.Eval] runs per object with a
// cost limit, so a costly expression over a large group cannot stall a run.
package condition
