// Package templates holds the lifecycle orchestration templates shipped
// with the Clockify extension, as JSON data files embedded in the package:
//
//   - clockify-onboarding: a user enters scope → looked up by e-mail → added
//     to the workspace if absent → looked up again for the id → added to
//     the group named after their department, the group created if missing.
//   - clockify-move: the department changes → the user leaves the old
//     department's group and joins the new one.
//   - clockify-offboarding: disabled, deleted or out of scope → the
//     workspace membership is deactivated (Clockify cannot delete members).
//   - clockify-return: re-enabled → the membership is activated again.
//
// Each file is one template in the format of marketplace/templates.
// Clockify has no preconfigured "find group by name" webhook, so the
// templates declare it as a custom webhook of their own, which the host
// installs with them.
//
// The files ship in the .ext's templates/ folder, which is where the host
// reads them; All and Get are for this connector's own tests and tools.
package templates
