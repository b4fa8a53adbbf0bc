// Package cli is the idbridge command line. `idbridge serve` runs the host;
// almost every other command is a client of the host's REST API, found
// through IDBRIDGE_ADDR (an https:// address may name a private CA with
// IDBRIDGE_CA_FILE) and authenticated with IDBRIDGE_TOKEN. The
// exception is the `secrets` group, which works on a stopped host's data
// folder, since rotating the master key must not race a running host.
//
// Commands live in their own files and add themselves from init:
//
//	func init() { register(newThingCmd) }
//
//	func newThingCmd(g *Globals) *cobra.Command { ... }
//
// Two registered commands with the same name are merged, so a file can add
// subcommands to a group (such as "plugin") that another file declared.
// Commands talk to the host through Globals.Client and print through
// Globals.Print, which honours --output json.
package cli
