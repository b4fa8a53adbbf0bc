// Package sandbox is a local stand-in for the Clockify REST API v1, faithful
// enough that a provisioning connector cannot tell it from the real service
// for the calls it makes: the same paths under /api/v1, the same auth headers
// and 401 bodies, 24-hex ids, 1-based paging with bare JSON arrays and a
// Last-Page header, Workspace objects returned by user-admin calls, 400s for
// ids outside the workspace, 405s where Clockify has no such call, and a
// per-workspace rate limit answering 429.
//
// Tests start it with Start and assert on its state (Users, Groups,
// Snapshot) and on the calls it saw (Requests). SetFaults injects latency,
// 5xx answers, 429 bursts and dropped connections so retry logic can be
// exercised. With Options.ValidateSpec every request and response is checked
// against a subset of Clockify's official OpenAPI document, so a test can
// prove fidelity instead of assuming it (SpecViolations).
//
// The behaviours that the official document does not describe, and the
// places where the sandbox knowingly departs from it, are listed in the
// package README together with the evidence for each choice.
package sandbox
