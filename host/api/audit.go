package api

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one call to an audited route: who, which route, when
// and how it ended. Refused attempts by a valid token (403) are recorded
// too, since an operator trying admin routes is worth knowing about. Before and After are set by handlers that call
// Call.AuditChange.
type AuditEntry struct {
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	TokenID string    `json:"token_id"`
	Role    Role      `json:"role"`
	Method  string    `json:"method"`
	Route   string    `json:"route"`
	Path    string    `json:"path"`
	Status  int       `json:"status"`
	Error   string    `json:"error,omitempty"`
	Before  any       `json:"before,omitempty"`
	// Request is the JSON body the handler decoded, with the values of
	// secret-looking fields replaced (RedactJSON). Auditors should still
	// pass it through the host's Masker, which knows the stored secrets.
	Request   json.RawMessage `json:"request,omitempty"`
	After     any             `json:"after,omitempty"`
	RemoteIP  string          `json:"remote_ip,omitempty"`
	RequestID string          `json:"request_id"`
}

// Auditor receives audit entries. The application sets one that persists
// them; a failing Auditor is logged but does not undo the change, which has
// already happened.
type Auditor interface {
	Audit(ctx context.Context, e AuditEntry) error
}

// AuditorFunc adapts a function to Auditor.
type AuditorFunc func(ctx context.Context, e AuditEntry) error

// Audit implements Auditor.
func (f AuditorFunc) Audit(ctx context.Context, e AuditEntry) error { return f(ctx, e) }

// AuditPage is one page of the audit log, newest first, as GET /v1/audit
// answers it. It is declared here, not where the route is served, so API
// clients can name it (decision 0265).
type AuditPage struct {
	Entries []AuditView `json:"entries"`
	// Next is the cursor of the following (older) page; empty at the end.
	Next string `json:"next,omitempty"`
}

// AuditView is an audit entry as the API shows it.
type AuditView struct {
	Seq     int64           `json:"seq"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Action  string          `json:"action"`
	Target  string          `json:"target"`
	Before  json.RawMessage `json:"before,omitempty"`
	After   json.RawMessage `json:"after,omitempty"`
	Outcome string          `json:"outcome"`
}
