package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
)

// storeAuditor writes the API's audit entries to the store's append-only
// audit log and a summary line to the host log. Every value passes the
// Masker, which knows the stored secrets, on top of the API's redaction of
// secret-looking fields.
type storeAuditor struct {
	audit  store.Audit
	masker *secrets.Masker
	log    hclog.Logger
}

func newStoreAuditor(a store.Audit, m *secrets.Masker, log hclog.Logger) storeAuditor {
	return storeAuditor{audit: a, masker: m, log: log}
}

// AuditRecord is what one audit entry's After holds when the handler did
// not attach the object itself: the masked request body and the call's
// request id, so an entry is never empty.
type AuditRecord struct {
	Request   json.RawMessage `json:"request,omitempty"`
	Path      string          `json:"path"`
	RequestID string          `json:"request_id"`
	Role      string          `json:"role"`
	RemoteIP  string          `json:"remote_ip,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// Audit implements api.Auditor.
func (a storeAuditor) Audit(ctx context.Context, e api.AuditEntry) error {
	a.log.Info("admin call", "actor", e.Actor, "token_id", e.TokenID, "role", e.Role.String(),
		"method", e.Method, "route", e.Route, "path", e.Path, "status", e.Status,
		"error", e.Error, "request_id", e.RequestID, "remote_ip", e.RemoteIP)
	if strings.HasSuffix(e.Route, "/authorization") {
		// Every value of an authorization change is a credential, whatever
		// the connector calls it.
		e.Request = api.RedactAll(e.Request)
	}
	before := a.marshal(e.Before)
	after := a.marshal(e.After)
	if after == nil {
		after = a.marshal(AuditRecord{Request: e.Request, Path: e.Path, RequestID: e.RequestID,
			Role: e.Role.String(), RemoteIP: e.RemoteIP, Error: e.Error})
	}
	outcome := "ok"
	if e.Status >= 400 {
		outcome = strconv.Itoa(e.Status)
		if e.Error != "" {
			outcome += " " + e.Error
		}
	}
	actor := e.Actor
	if role := " (" + e.Role.String() + ")"; !strings.HasSuffix(actor, role) {
		actor += role // who, and with which role, in one filterable field
	}
	_, err := a.audit.Append(ctx, store.AuditEntry{At: e.Time, Actor: actor,
		Action: e.Method + " " + e.Route, Target: target(e.Path), Before: before, After: after,
		Outcome: a.masker.String(outcome)})
	return err
}

// marshal encodes v and masks every known secret in the result.
func (a storeAuditor) marshal(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil || string(raw) == "null" {
		return nil
	}
	return a.masker.Bytes(raw)
}

// target turns a path into the object it names: "/v1/integrations/x/enable"
// becomes "integrations/x/enable", so a Target prefix filter such as
// "integrations/x" finds everything done to x.
func target(path string) string { return strings.TrimPrefix(path, "/v1/") }

// auditRoutes serves the audit log to auditors and above.
type auditRoutes struct{ a store.Audit }

// Routes implements api.RouteProvider.
func (r auditRoutes) Routes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Pattern: "/v1/audit", MinRole: api.RoleAuditor,
		Summary:  "The audit log, newest first; filter with actor, action, target (prefix), since, until (RFC 3339), limit and after",
		Response: api.AuditPage{}, Handler: r.list}}
}

func (r auditRoutes) list(c *api.Call) (any, error) {
	f := store.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"), Target: c.Query("target")}
	f.Page.After = c.Query("after")
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, api.BadRequest("limit %q: give a positive number", s)
		}
		f.Page.Limit = n
	}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if s := c.Query(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, api.BadRequest("%s %q: use RFC 3339, e.g. 2026-01-31T08:00:00Z", name, s)
			}
			*dst = t
		}
	}
	entries, next, err := r.a.List(c.Context(), f)
	if err != nil {
		return nil, err
	}
	page := api.AuditPage{Entries: make([]api.AuditView, 0, len(entries)), Next: next}
	for _, e := range entries {
		page.Entries = append(page.Entries, api.AuditView{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action,
			Target: e.Target, Before: e.Before, After: e.After, Outcome: e.Outcome})
	}
	return page, nil
}
