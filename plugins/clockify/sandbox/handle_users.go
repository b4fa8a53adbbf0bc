package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

var (
	memberStatuses  = []string{"PENDING", "ACTIVE", "DECLINED", "INACTIVE", "ALL"}
	userSortColumns = []string{"ID", "EMAIL", "NAME", "NAME_LOWERCASE", "ACCESS", "HOURLYRATE", "COSTRATE"}
	sortOrders      = []string{"ASCENDING", "DESCENDING"}
	membershipKinds = []string{"ALL", "NONE", "WORKSPACE", "PROJECT", "USERGROUP"}
)

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// listUsers serves GET .../users. Without status every membership status
// is listed (see README for why); account-statuses defaults to Clockify's
// documented set.
func (s *Server) listUsers(c *call) {
	q := c.r.URL.Query()
	lq := listQuery{c: c}
	uq := userQuery{email: q.Get("email"), name: q.Get("name")}
	uq.status = lq.enum("status", "", memberStatuses...)
	if v := q.Get("account-statuses"); v != "" {
		uq.accountStatuses = strings.Split(v, ",")
	}
	uq.sortColumn = lq.enum("sort-column", "EMAIL", userSortColumns...)
	uq.sortOrder = lq.enum("sort-order", "ASCENDING", sortOrders...)
	kind := lq.enum("memberships", "NONE", membershipKinds...)
	withRoles := lq.bool("include-roles", false)
	page, size := lq.paging()
	lq.refuseProjectFilter()
	if lq.err != nil {
		return
	}
	s.servePage(c, uq, kind, withRoles, page, size)
}

// getUsersRequest is GetUsersRequestV1.
type getUsersRequest struct {
	Email           string   `json:"email"`
	Name            string   `json:"name"`
	Status          string   `json:"status"`
	AccountStatuses []string `json:"accountStatuses"`
	Roles           []string `json:"roles"`
	UserGroups      []string `json:"userGroups"`
	ProjectID       string   `json:"projectId"`
	Memberships     string   `json:"memberships"`
	IncludeRoles    bool     `json:"includeRoles"`
	Page            *int     `json:"page"`
	PageSize        *int     `json:"pageSize"`
	SortColumn      string   `json:"sortColumn"`
	SortOrder       string   `json:"sortOrder"`
}

// filterUsers serves POST .../users/info, the body form of the user search
// that also filters by roles and user groups.
func (s *Server) filterUsers(c *call) {
	var req getUsersRequest
	if decodeBody(c, &req) != nil {
		return
	}
	checks := []struct {
		field, value string
		allowed      []string
	}{
		{"status", req.Status, memberStatuses},
		{"memberships", req.Memberships, membershipKinds},
		{"sortColumn", req.SortColumn, userSortColumns},
		{"sortOrder", req.SortOrder, sortOrders},
	}
	for _, ch := range checks {
		if ch.value != "" && !slices.Contains(ch.allowed, ch.value) {
			writeError(c.w, http.StatusBadRequest, codeBadRequestBody, fmt.Sprintf("JSON parse error: value [%s] is not valid for field [%s]", ch.value, ch.field))
			return
		}
	}
	for _, r := range req.Roles {
		if !slices.Contains(workspaceRoles, r) {
			writeError(c.w, http.StatusBadRequest, codeBadRequestBody, fmt.Sprintf("JSON parse error: value [%s] is not valid for field [roles]", r))
			return
		}
	}
	if req.ProjectID != "" {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgProjectNotInWS)
		return
	}
	page, size := 1, defaultPageSize
	if req.Page != nil {
		page = *req.Page
	}
	if req.PageSize != nil {
		size = *req.PageSize
	}
	page, size, err := checkPaging(c.w, page, size)
	if err != nil {
		return
	}
	kind := req.Memberships
	if kind == "" {
		kind = "NONE"
	}
	uq := userQuery{email: req.Email, name: req.Name, status: req.Status, accountStatuses: req.AccountStatuses,
		roles: req.Roles, groups: req.UserGroups, sortColumn: req.SortColumn, sortOrder: req.SortOrder}
	if uq.sortColumn == "" {
		uq.sortColumn = "EMAIL"
	}
	s.servePage(c, uq, kind, req.IncludeRoles, page, size)
}

// servePage renders one page of a user query as a bare array with
// Last-Page.
func (s *Server) servePage(c *call, uq userQuery, kind string, withRoles bool, page, size int) {
	s.store.mu.RLock()
	w := c.ws
	idx := w.view(uq)
	var groups map[string][]string
	if kind == "ALL" || kind == "USERGROUP" {
		groups = w.groupsOf()
	}
	out, last := renderPage(idx, page, size, func(i int) userDTO {
		u := w.users[i]
		return w.renderUser(u, w.memberships(u, kind, groups), withRoles)
	})
	s.store.mu.RUnlock()
	writePage(c, out, last)
}

// addUserRequest is AddUserToWorkspaceRequest.
type addUserRequest struct {
	Email string `json:"email"`
}

// addUser serves POST .../users: invites a person by e-mail and answers
// with the workspace. The new member is PENDING until they accept; an
// e-mail that is already a member is refused (see README).
func (s *Server) addUser(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if !requireAdmin(c) {
		return
	}
	// No e-mail leaves the sandbox; the flag is only checked for type.
	if _, err := queryBool(c, "send-email", true); err != nil {
		return
	}
	var req addUserRequest
	if decodeBody(c, &req) != nil {
		return
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgMustNotBeBlank)
		return
	}
	if !strings.Contains(email, "@") || strings.HasPrefix(email, "@") || strings.HasSuffix(email, "@") {
		writeError(c.w, http.StatusBadRequest, codeBusiness, "Email is not valid")
		return
	}
	if c.ws.userByEmail(email) != nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, fmt.Sprintf("User with email %s is already a member of this workspace", email))
		return
	}
	u := &User{ID: newID(), Email: email, Status: "NOT_REGISTERED", MembershipStatus: "PENDING"}
	// A person already known in another workspace keeps their account.
	for _, other := range s.store.workspaces {
		if o := other.userByEmail(email); o != nil {
			u.ID, u.Email, u.Name, u.Status, u.TimeZone = o.ID, o.Email, o.Name, o.Status, o.TimeZone
			break
		}
	}
	c.ws.addUser(u)
	writeJSON(c.w, http.StatusOK, c.ws.renderWorkspace())
}

// updateUserStatusRequest is UpdateUserStatusRequest.
type updateUserStatusRequest struct {
	Status string `json:"status"`
}

// updateUserStatus serves PUT .../users/{userId}: activation and
// deactivation of a membership, answering with the workspace.
func (s *Server) updateUserStatus(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req updateUserStatusRequest
	if !adminBody(c, &req) {
		return
	}
	if req.Status != "ACTIVE" && req.Status != "INACTIVE" {
		writeError(c.w, http.StatusBadRequest, codeBusiness, enumMessage("status", "ACTIVE", "INACTIVE"))
		return
	}
	u := c.ws.user(c.params["userId"])
	if u == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
		return
	}
	if u.ID == c.key.UserID {
		writeError(c.w, http.StatusForbidden, codeBusiness, msgAccessDenied)
		return
	}
	if u.MembershipStatus != req.Status {
		u.MembershipStatus = req.Status
		c.ws.version++
	}
	writeJSON(c.w, http.StatusOK, c.ws.renderWorkspace())
}

// removeMember serves the deprecated DELETE .../users/{userId}, which the
// real API refuses for every member: users are removed on CAKE.com after
// deactivation.
func (s *Server) removeMember(c *call) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if !requireAdmin(c) {
		return
	}
	if c.ws.user(c.params["userId"]) == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
		return
	}
	writeError(c.w, http.StatusBadRequest, codeMigratedToCake, msgMigratedToCake)
}

// customFieldValueRequest is UpsertUserCustomFieldRequestV1.
type customFieldValueRequest struct {
	Value any `json:"value"`
}

// upsertCustomFieldValue serves PUT .../users/{userId}/custom-field/{customFieldId}/value.
func (s *Server) upsertCustomFieldValue(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req customFieldValueRequest
	u := adminUserCall(c, &req)
	if u == nil {
		return
	}
	f := c.ws.customField(c.params["customFieldId"])
	if f == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, "Custom field doesn't belong to Workspace")
		return
	}
	v := CustomFieldValue{CustomFieldID: f.ID, Value: req.Value}
	replaced := false
	for i := range u.CustomFields {
		if u.CustomFields[i].CustomFieldID == f.ID {
			u.CustomFields[i] = v
			replaced = true
		}
	}
	if !replaced {
		u.CustomFields = append(u.CustomFields, v)
	}
	c.ws.version++
	writeJSON(c.w, http.StatusCreated, c.ws.renderFieldValue(u.ID, v))
}
