package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxGroupName is UserGroupRequest.name's maxLength in the official spec.
const maxGroupName = 100

// listGroups serves GET .../user-groups: name is a case-sensitive
// substring, as observed live; default order is by name.
func (s *Server) listGroups(c *call) {
	lq := listQuery{c: c}
	col := lq.enum("sort-column", "NAME", "ID", "NAME")
	order := lq.enum("sort-order", "ASCENDING", sortOrders...)
	withManagers := lq.bool("includeTeamManagers", false)
	page, size := lq.paging()
	lq.refuseProjectFilter()
	if lq.err != nil {
		return
	}
	name := c.r.URL.Query().Get("name")
	s.store.mu.RLock()
	var gs []*Group
	for _, g := range c.ws.groups {
		if name == "" || strings.Contains(g.Name, name) {
			gs = append(gs, g)
		}
	}
	slices.SortStableFunc(gs, func(a, b *Group) int {
		c := strings.Compare(a.Name, b.Name)
		if col == "ID" || c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if order == "DESCENDING" {
			return -c
		}
		return c
	})
	out, last := renderPage(gs, page, size, func(g *Group) groupDTO { return c.ws.renderGroup(g, withManagers) })
	s.store.mu.RUnlock()
	writePage(c, out, last)
}

// groupNameRequest is UserGroupRequest and UpdateUserGroupRequest.
type groupNameRequest struct {
	Name string `json:"name"`
}

// checkGroupName answers 400 for a missing, too long or taken name.
func checkGroupName(c *call, name string, self *Group) bool {
	switch {
	case strings.TrimSpace(name) == "":
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgGroupNameMissing)
	case utf8.RuneCountInString(name) > maxGroupName:
		writeError(c.w, http.StatusBadRequest, codeBusiness, fmt.Sprintf("User group name can't be longer than %d characters", maxGroupName))
	default:
		if g := c.ws.groupByName(name); g != nil && g != self {
			writeError(c.w, http.StatusBadRequest, codeBusiness, fmt.Sprintf("User group with name '%s' already exists", name))
			return false
		}
		return true
	}
	return false
}

// createGroup serves POST .../user-groups and answers 201.
func (s *Server) createGroup(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req groupNameRequest
	if !adminBody(c, &req) || !checkGroupName(c, req.Name, nil) {
		return
	}
	g := &Group{ID: newID(), Name: req.Name, UserIDs: []string{}}
	c.ws.addGroup(g)
	writeJSON(c.w, http.StatusCreated, c.ws.renderGroup(g, false))
}

// lookupGroup answers 400 for an id outside the workspace, Clockify's way
// of saying "not found".
func lookupGroup(c *call, param string) *Group {
	g := c.ws.group(c.params[param])
	if g == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgGroupNotInWS)
	}
	return g
}

// renameGroup serves PUT .../user-groups/{id}.
func (s *Server) renameGroup(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req groupNameRequest
	if !adminBody(c, &req) {
		return
	}
	g := lookupGroup(c, "id")
	if g == nil || !checkGroupName(c, req.Name, g) {
		return
	}
	g.Name = req.Name
	c.ws.version++
	writeJSON(c.w, http.StatusOK, c.ws.renderGroup(g, false))
}

// deleteGroup serves DELETE .../user-groups/{id}, answering with the
// deleted group; a second delete is a 400 like any unknown id. Team manager
// roles granted through the group go with it.
func (s *Server) deleteGroup(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if !requireAdmin(c) {
		return
	}
	g := lookupGroup(c, "id")
	if g == nil {
		return
	}
	d := c.ws.renderGroup(g, false)
	c.ws.removeGroup(g.ID)
	for _, u := range c.ws.users {
		if len(u.Roles) > 0 {
			u.Roles = slices.DeleteFunc(u.Roles, func(r Role) bool { return r.SourceType == "USER_GROUP" && r.EntityID == g.ID })
		}
	}
	writeJSON(c.w, http.StatusOK, d)
}

// groupUserRequest is UserGroupUserRequest.
type groupUserRequest struct {
	UserID string `json:"userId"`
}

// addGroupMember serves POST .../user-groups/{userGroupId}/users. Adding a
// member twice answers 200 with the group unchanged.
func (s *Server) addGroupMember(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req groupUserRequest
	if !adminBody(c, &req) {
		return
	}
	g := lookupGroup(c, "userGroupId")
	if g == nil {
		return
	}
	if req.UserID == "" {
		writeError(c.w, http.StatusBadRequest, codeBusiness, "Some users do not belong to workspace with id "+c.ws.meta.ID)
		return
	}
	if c.ws.user(req.UserID) == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
		return
	}
	if !slices.Contains(g.UserIDs, req.UserID) {
		g.UserIDs = append(g.UserIDs, req.UserID)
		c.ws.version++
	}
	writeJSON(c.w, http.StatusOK, c.ws.renderGroup(g, false))
}

// removeGroupMember serves DELETE .../user-groups/{userGroupId}/users/{userId}:
// 200 unchanged when the user is not a member, 404 when no such user exists.
func (s *Server) removeGroupMember(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if !requireAdmin(c) {
		return
	}
	g := lookupGroup(c, "userGroupId")
	if g == nil {
		return
	}
	uid := c.params["userId"]
	if c.ws.user(uid) == nil {
		writeError(c.w, http.StatusNotFound, codeBusiness, fmt.Sprintf("USER with ID '%s' not found", uid))
		return
	}
	if i := slices.Index(g.UserIDs, uid); i >= 0 {
		g.UserIDs = slices.Delete(g.UserIDs, i, i+1)
		c.ws.version++
	}
	writeJSON(c.w, http.StatusOK, c.ws.renderGroup(g, false))
}
