package store

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one change of configuration. Before and After must
// already be masked by the caller.
type AuditEntry struct {
	// Seq orders entries; set by the store on Append.
	Seq int64
	// At is when the change happened; Append defaults it to now.
	At time.Time
	// Actor is who made the change (a token's name or "system").
	Actor string
	// Action is what was done, e.g. "integration.enable" or "POST /v1/...".
	Action string
	// Target is what it was done to, e.g. "integration/clockify-main".
	Target string
	// Before and After are the object around the change, masked; either
	// is empty for a creation or a deletion.
	Before, After json.RawMessage
	// Outcome is e.g. "ok" or the error code of a refused change.
	Outcome string
}

// AuditFilter selects audit entries, newest first. Empty fields match all;
// Target matches as a prefix so "integration/" finds every integration.
type AuditFilter struct {
	// Actor keeps one actor's entries.
	Actor string
	// Action keeps one action's entries.
	Action string
	// Target keeps entries whose target starts with it.
	Target string
	// Since and Until keep entries at or after Since and before Until.
	Since, Until time.Time
	// Page selects the page.
	Page Page
}

// Audit is the append-only audit log: there is no update or delete.
type Audit interface {
	// Append records an entry and returns its sequence number; a zero At
	// is set to now.
	Append(ctx context.Context, e AuditEntry) (int64, error)
	// List returns a page of entries, newest first, and the next cursor.
	List(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error)
}
