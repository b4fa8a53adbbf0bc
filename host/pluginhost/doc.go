// Package pluginhost runs connector plugins and keeps them running.
//
// A Supervisor owns one Handle per installed connector, keyed by the
// integration or extension id. A Handle is a connectorv1.ConnectorClient:
// higher layers call Describe, Test, Fetch and Invoke on it and never see
// go-plugin. Behind each call the handle
//
//   - launches the binary on first use with go-plugin, gRPC only, checking
//     the pinned sha256 at every launch and (by default) mutual TLS; a
//     connector written in an interpreted language runs on its interpreter
//     (Plugin.Interpreter), its script and every file it loads pinned;
//   - gives the process a minimal environment, without the host's secrets;
//   - notices when the process exits, and relaunches it on the next call,
//     waiting longer after each consecutive crash (exponential backoff);
//   - after CrashLoopAfter consecutive failures, refuses calls in the
//     crash-loop state until an admin calls Reset;
//   - refuses a binary that changed since install (ChecksumError) or that
//     speaks an unknown protocol (wire.VersionMismatchError) outright.
//
// Status reports each handle's state, pid, restart count, last error and
// since when, for the admin API. Shutdown stops every plugin.
package pluginhost
