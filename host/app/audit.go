package app

import (
	"context"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/api"
)

// logAuditor writes audit entries to the host log under "audit". It is the
// host's auditor until a persistent audit log replaces it through
// App.API.SetAuditor, so no admin change goes unrecorded meanwhile.
// Before and After are left out: they can be large, and the log is not the
// place for configuration snapshots.
type logAuditor struct {
	log hclog.Logger
}

// Audit implements api.Auditor.
func (a logAuditor) Audit(_ context.Context, e api.AuditEntry) error {
	a.log.Info("admin call", "actor", e.Actor, "token_id", e.TokenID, "role", e.Role.String(),
		"method", e.Method, "route", e.Route, "path", e.Path, "status", e.Status,
		"error", e.Error, "request_id", e.RequestID, "remote_ip", e.RemoteIP)
	return nil
}
