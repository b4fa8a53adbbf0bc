package sandbox

import (
	"net/http"
	"slices"
)

// getCurrentUser serves GET /v1/user: the key's user, with its workspace
// memberships when include-memberships=true.
func (s *Server) getCurrentUser(c *call) {
	withMemberships, err := queryBool(c, "include-memberships", false)
	if err != nil {
		return
	}
	s.store.mu.RLock()
	var home *wsState
	var me *User
	memberships := []membershipDTO{}
	for _, w := range s.store.workspaces {
		u := w.user(c.key.UserID)
		if u == nil {
			continue
		}
		if home == nil {
			home, me = w, u
		}
		if withMemberships {
			memberships = append(memberships, w.workspaceMembership(u))
		}
	}
	if home == nil { // Seed.Validate rules this out; answer as for an unknown key.
		s.store.mu.RUnlock()
		writeError(c.w, http.StatusUnauthorized, codeUnknownAPIKey, msgAPIKeyNotExist)
		return
	}
	d := home.renderUser(me, memberships, false)
	s.store.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, d)
}

var workspaceRoles = []string{"WORKSPACE_ADMIN", "OWNER", "TEAM_MANAGER", "PROJECT_MANAGER"}

// listWorkspaces serves GET /v1/workspaces: every workspace the key's user
// is an active member of, optionally only those where they hold one of the
// given roles (owners do not count as admins here). Paging is ignored, as
// observed live.
func (s *Server) listWorkspaces(c *call) {
	roles := c.r.URL.Query()["roles"]
	for _, r := range roles {
		if !slices.Contains(workspaceRoles, r) {
			_ = convertError(c.w, "roles", r, "enum")
			return
		}
	}
	s.store.mu.RLock()
	out := []workspaceDTO{}
	for _, w := range s.store.workspaces {
		if !w.activeMember(c.key.UserID) {
			continue
		}
		if len(roles) > 0 && !slices.ContainsFunc(w.user(c.key.UserID).Roles, func(r Role) bool { return slices.Contains(roles, r.Role) }) {
			continue
		}
		out = append(out, w.renderWorkspace())
	}
	s.store.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, out)
}

// getWorkspace serves GET /v1/workspaces/{workspaceId}.
func (s *Server) getWorkspace(c *call) {
	s.store.mu.RLock()
	d := c.ws.renderWorkspace()
	s.store.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, d)
}

// listCustomFields serves GET .../custom-fields. Paging parameters are
// ignored, as observed live; every field is a visible user field.
func (s *Server) listCustomFields(c *call) {
	q := c.r.URL.Query()
	status, err := queryEnum(c, "status", "", "INACTIVE", "VISIBLE", "INVISIBLE")
	if err != nil {
		return
	}
	out := []customFieldDTO{}
	if (status == "" || status == "VISIBLE") && (q.Get("entity-type") == "" || q.Get("entity-type") == "USER") {
		s.store.mu.RLock()
		for _, f := range c.ws.meta.CustomFields {
			if name := q.Get("name"); name != "" && !containsFold(f.Name, name) {
				continue
			}
			out = append(out, customFieldDTO{ID: f.ID, Name: f.Name, Type: f.Type, AllowedValues: append([]string{}, f.AllowedValues...),
				EntityType: "USER", Required: f.Required, Status: "VISIBLE", ProjectDefaultValues: []any{}, WorkspaceID: c.ws.meta.ID})
		}
		s.store.mu.RUnlock()
	}
	writeJSON(c.w, http.StatusOK, out)
}
