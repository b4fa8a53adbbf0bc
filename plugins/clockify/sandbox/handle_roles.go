package sandbox

import (
	"net/http"
	"slices"
)

// roleRequest is RoleRequestV1.
type roleRequest struct {
	EntityID   string `json:"entityId"`
	Role       string `json:"role"`
	SourceType string `json:"sourceType"`
}

var grantableRoles = []string{"WORKSPACE_ADMIN", "TEAM_MANAGER", "PROJECT_MANAGER"}

// roleTarget checks a role request against the workspace and answers 400
// when it cannot apply. WORKSPACE_ADMIN applies to the workspace itself;
// TEAM_MANAGER to a group (sourceType USER_GROUP) or a user; PROJECT_MANAGER
// to a project of the workspace, named without a sourceType (the only
// source type, USER_GROUP, names a user group).
func roleTarget(c *call, req roleRequest) (Role, bool) {
	if !slices.Contains(grantableRoles, req.Role) {
		writeError(c.w, http.StatusBadRequest, codeBusiness, enumMessage("role", grantableRoles...))
		return Role{}, false
	}
	if req.SourceType != "" && req.SourceType != "USER_GROUP" {
		writeError(c.w, http.StatusBadRequest, codeBusiness, enumMessage("sourceType", "USER_GROUP"))
		return Role{}, false
	}
	if !isID(req.EntityID) {
		writeError(c.w, http.StatusBadRequest, codeBusiness, "entityId: "+msgMustNotBeBlank)
		return Role{}, false
	}
	r := Role{Role: req.Role, EntityID: req.EntityID, SourceType: req.SourceType}
	switch {
	case req.Role == "WORKSPACE_ADMIN" && req.EntityID != c.ws.meta.ID:
		writeError(c.w, http.StatusBadRequest, codeBusiness, "Workspace doesn't belong to User")
		return Role{}, false
	case req.Role == "TEAM_MANAGER" && req.SourceType == "USER_GROUP" && c.ws.group(req.EntityID) == nil:
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgGroupNotInWS)
		return Role{}, false
	case req.Role == "TEAM_MANAGER" && req.SourceType == "" && c.ws.user(req.EntityID) == nil:
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
		return Role{}, false
	case req.Role == "PROJECT_MANAGER" && (req.SourceType != "" || c.ws.project(req.EntityID) == nil):
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgProjectNotInWS)
		return Role{}, false
	}
	return r, true
}

// createRole serves POST .../users/{userId}/roles and answers 201 with the
// roles the user now holds. Granting a role twice changes nothing.
func (s *Server) createRole(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req roleRequest
	u := adminUserCall(c, &req)
	if u == nil {
		return
	}
	r, ok := roleTarget(c, req)
	if !ok {
		return
	}
	if !slices.Contains(u.Roles, r) {
		u.Roles = append(u.Roles, r)
		c.ws.version++
	}
	out := make([]roleDetailsDTO, 0, len(u.Roles))
	for _, held := range u.Roles {
		out = append(out, c.ws.renderRole(u.ID, held))
	}
	writeJSON(c.w, http.StatusCreated, out)
}

// deleteRole serves DELETE .../users/{userId}/roles: 204 whether or not the
// user held the role (see README).
func (s *Server) deleteRole(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req roleRequest
	u := adminUserCall(c, &req)
	if u == nil {
		return
	}
	if !slices.Contains(grantableRoles, req.Role) {
		writeError(c.w, http.StatusBadRequest, codeBusiness, enumMessage("role", grantableRoles...))
		return
	}
	n := len(u.Roles)
	u.Roles = slices.DeleteFunc(u.Roles, func(r Role) bool { return r.Role == req.Role && r.EntityID == req.EntityID })
	if len(u.Roles) != n {
		c.ws.version++
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// listManagers serves GET .../users/{userId}/managers: the team managers of
// the user, directly or through a group, paged like the user list.
func (s *Server) listManagers(c *call) {
	lq := listQuery{c: c}
	col := lq.enum("sort-column", "EMAIL", userSortColumns...)
	order := lq.enum("sort-order", "ASCENDING", sortOrders...)
	page, size := lq.paging()
	if lq.err != nil {
		return
	}
	s.store.mu.RLock()
	u := c.ws.user(c.params["userId"])
	if u == nil {
		s.store.mu.RUnlock()
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
		return
	}
	idx := c.ws.managersOf(u)
	c.ws.sortUsers(idx, col, order == "DESCENDING")
	out, last := renderPage(idx, page, size, func(i int) userDTO {
		return c.ws.renderUser(c.ws.users[i], []membershipDTO{}, false)
	})
	s.store.mu.RUnlock()
	writePage(c, out, last)
}
