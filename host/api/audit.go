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
