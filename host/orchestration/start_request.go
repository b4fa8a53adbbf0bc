package orchestration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/outbound"
)

// StartRequest is what POST /v1/runs takes. Unlike RunRequest, which the
// host's own automations fill, it holds nothing a caller could invent:
// objects are references the host resolves in the directory, and what
// started the run is the caller's token, not a field. See decision 0190.
type StartRequest struct {
	// RunID may be chosen by the caller (a UUID) so that a caller restarted
	// half-way can start the same run again without doubling it.
	RunID string `json:"runId,omitempty"`
	// TemplateID is the template to run.
	TemplateID string `json:"templateId"`
	// Objects name the directory users or groups to run for.
	Objects []ObjectRef `json:"objects"`
	// DryRun renders every call and records it as planned without
	// sending anything.
	DryRun bool `json:"dryRun,omitempty"`
	// DeactivationLimit overrides the deactivation guard for this run; a
	// negative value turns it off. Only an admin may set it.
	DeactivationLimit *int `json:"deactivationLimit,omitempty"`
}

// ObjectRef names one directory object by its stable id (objectGUID on
// AD, entryUUID on OpenLDAP) or its DN. Its attributes are always read
// from the directory.
type ObjectRef struct {
	// ID is the object's stable id.
	ID string `json:"id,omitempty"`
	// DN is the object's distinguished name; with ID too, it must be
	// where the directory has that object.
	DN string `json:"dn,omitempty"`
}

// ErrNoDirectoryObjects refuses runs by reference on an engine that was
// given no directory to resolve them in.
var ErrNoDirectoryObjects = errors.New("this host has no directory to resolve run objects in; configure --directory-url")

// startFromAPI checks and resolves a StartRequest for the caller and
// returns the RunRequest the engine runs.
func (e *Engine) startFromAPI(ctx context.Context, caller api.Principal, req StartRequest) (RunRequest, error) {
	if req.DeactivationLimit != nil && !caller.Role.Allows(api.RoleAdmin) {
		return RunRequest{}, api.Errorf(http.StatusForbidden, "forbidden",
			"deactivationLimit: only an admin may set or lower the deactivation guard; token %q has %s; leave the field out to keep the template's guard", caller.Name, caller.Role)
	}
	if strings.TrimSpace(req.TemplateID) == "" {
		return RunRequest{}, api.BadRequest("templateId: name the template to run")
	}
	if len(req.Objects) == 0 {
		return RunRequest{}, api.BadRequest("objects: name at least one directory object by id or dn")
	}
	objs := make([]outbound.Object, 0, len(req.Objects))
	for i, ref := range req.Objects {
		o, err := e.resolve(ctx, fmt.Sprintf("objects[%d]", i), ref)
		if err != nil {
			return RunRequest{}, err
		}
		objs = append(objs, o)
	}
	out := RunRequest{RunID: req.RunID, TemplateID: req.TemplateID, Objects: objs, DryRun: req.DryRun,
		Trigger: TriggerAPI + ":" + caller.Name}
	if req.DeactivationLimit != nil {
		out.DeactivationLimit = *req.DeactivationLimit // 0 keeps the template's, as in RunRequest
	}
	return out, nil
}

// TriggerAPI starts the trigger of runs started through POST /v1/runs;
// the token's name follows it.
const TriggerAPI = "api"

// resolve looks a reference up in the directory; at is where the
// reference is in the request, for messages.
func (e *Engine) resolve(ctx context.Context, at string, ref ObjectRef) (outbound.Object, error) {
	if e.cfg.Objects == nil {
		return outbound.Object{}, &api.Error{Status: http.StatusConflict, Code: "no_directory", Message: ErrNoDirectoryObjects.Error(), Err: ErrNoDirectoryObjects}
	}
	id, dn := strings.TrimSpace(ref.ID), strings.TrimSpace(ref.DN)
	key, field := id, at+".id"
	if id == "" {
		key, field = dn, at+".dn"
	}
	if key == "" {
		return outbound.Object{}, api.BadRequest("%s: give the object's id (objectGUID) or dn", at)
	}
	if id != "" && strings.Contains(id, "=") {
		return outbound.Object{}, api.BadRequest("%s: %q looks like a DN; send it as dn", field, id)
	}
	o, err := e.cfg.Objects.Lookup(ctx, key)
	if err != nil && (errors.Is(err, directory.ErrUnavailable) || errors.Is(err, directory.ErrBindFailed) ||
		errors.Is(err, directory.ErrTLS) || ctx.Err() != nil) {
		return outbound.Object{}, &api.Error{Status: http.StatusBadGateway, Code: "directory_unavailable",
			Message: fmt.Sprintf("%s: the directory could not be asked about %q: %v; check the directory connection and try again", field, key, err), Err: err}
	}
	if err != nil {
		return outbound.Object{}, &api.Error{Status: http.StatusUnprocessableEntity, Code: "unknown_object",
			Message: fmt.Sprintf("%s: no directory object %q: %v; check the %s (the directory is the source of the object and its attributes)", field, key, err, field), Err: err}
	}
	if id != "" && dn != "" && !strings.EqualFold(o.DN, dn) {
		return outbound.Object{}, &api.Error{Status: http.StatusUnprocessableEntity, Code: "unknown_object",
			Message: fmt.Sprintf("%s.dn: the object with id %q is at %q in the directory, not %q; send only the id, or its current dn", at, id, o.DN, dn)}
	}
	return o, nil
}
