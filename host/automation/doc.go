// Package automation decides when orchestration templates run: an
// Automation is a trigger, a scope and what runs.
//
// A trigger is a set of AD event kinds (the watcher's kinds plus
// scope.entered and scope.left), a cron schedule, or nothing but the
// admin's apply-now. The scope is an OU (with or without its subtree), a
// group (direct or nested members) and an LDAP filter; all three narrow
// together, and values are escaped when the search filter is composed, so a
// DN or filter fragment can never widen the scope. What runs is an
// orchestration template or a data-source sync.
//
// The Service stores automations as documents of kind "automation" and
// validates them at save: an unknown template, a bad cron expression or
// filter, and an empty scope are refused with a message that says what to
// fix. Its Dispatch method is the watcher's event handler. For every
// automation it checks whether the user is in scope now and whether it was
// before (the service remembers the members of each automation's scope),
// so that a user moved out of the OU or removed from the group is seen as
// scope.left, which offboarding triggers on, and a user who appears in
// scope by creation, move or group change is scope.entered, which
// onboarding triggers on. Its scheduler runs cron automations for every
// object in scope, and ApplyNow runs an automation for chosen users or
// groups (a group stands for its members).
//
// Runs start through the Runner interface, which the orchestration engine
// implements; the package does not execute steps. While an integration a
// template uses is disabled, its automations are paused: runs they would
// start are held as documents and started when the integration is enabled
// again, so a pause delays onboarding instead of losing it.
package automation
