package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

// call is one authenticated request on its way to a handler.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	key    APIKey
	ws     *wsState // nil on routes without {workspaceId}
	params map[string]string
}

// route is one path pattern of the real API with the methods it answers.
// Segments in braces are parameters.
type route struct {
	pattern  []string
	handlers map[string]func(*Server, *call)
}

func pattern(p string) []string { return strings.Split(p, "/") }

// routes lists every path the sandbox serves, relative to /v1. A path the
// real API has but with other methods answers 405 with an Allow header, so
// GET on a single group or on a group's users is refused as Clockify does.
var routes = []route{
	{pattern("user"), map[string]func(*Server, *call){http.MethodGet: (*Server).getCurrentUser}},
	{pattern("workspaces"), map[string]func(*Server, *call){http.MethodGet: (*Server).listWorkspaces}},
	{pattern("workspaces/{workspaceId}"), map[string]func(*Server, *call){http.MethodGet: (*Server).getWorkspace}},
	{pattern("workspaces/{workspaceId}/users"), map[string]func(*Server, *call){
		http.MethodGet: (*Server).listUsers, http.MethodPost: (*Server).addUser}},
	{pattern("workspaces/{workspaceId}/users/info"), map[string]func(*Server, *call){http.MethodPost: (*Server).filterUsers}},
	{pattern("workspaces/{workspaceId}/users/{userId}"), map[string]func(*Server, *call){
		http.MethodPut: (*Server).updateUserStatus, http.MethodDelete: (*Server).removeMember}},
	{pattern("workspaces/{workspaceId}/users/{userId}/custom-field/{customFieldId}/value"), map[string]func(*Server, *call){
		http.MethodPut: (*Server).upsertCustomFieldValue}},
	{pattern("workspaces/{workspaceId}/users/{userId}/roles"), map[string]func(*Server, *call){
		http.MethodPost: (*Server).createRole, http.MethodDelete: (*Server).deleteRole}},
	{pattern("workspaces/{workspaceId}/users/{userId}/managers"), map[string]func(*Server, *call){http.MethodGet: (*Server).listManagers}},
	{pattern("workspaces/{workspaceId}/projects"), map[string]func(*Server, *call){
		http.MethodGet: (*Server).listProjects, http.MethodPost: (*Server).createProject}},
	{pattern("workspaces/{workspaceId}/custom-fields"), map[string]func(*Server, *call){http.MethodGet: (*Server).listCustomFields}},
	{pattern("workspaces/{workspaceId}/user-groups"), map[string]func(*Server, *call){
		http.MethodGet: (*Server).listGroups, http.MethodPost: (*Server).createGroup}},
	{pattern("workspaces/{workspaceId}/user-groups/{id}"), map[string]func(*Server, *call){
		http.MethodPut: (*Server).renameGroup, http.MethodDelete: (*Server).deleteGroup}},
	{pattern("workspaces/{workspaceId}/user-groups/{userGroupId}/users"), map[string]func(*Server, *call){
		http.MethodPost: (*Server).addGroupMember}},
	{pattern("workspaces/{workspaceId}/user-groups/{userGroupId}/users/{userId}"), map[string]func(*Server, *call){
		http.MethodDelete: (*Server).removeGroupMember}},
}

// match finds the route for a path below /v1. Literal segments win over
// parameters, so users/info is never taken for a user id.
func match(segs []string) (*route, map[string]string) {
	var best *route
	var bestParams map[string]string
	bestLiterals := -1
	for i := range routes {
		rt := &routes[i]
		if len(rt.pattern) != len(segs) {
			continue
		}
		params := map[string]string{}
		literals := 0
		ok := true
		for j, p := range rt.pattern {
			if strings.HasPrefix(p, "{") {
				if segs[j] == "" {
					ok = false
					break
				}
				params[strings.Trim(p, "{}")] = segs[j]
				continue
			}
			if p != segs[j] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestParams, bestLiterals = rt, params, literals
		}
	}
	return best, bestParams
}

// allow lists a route's methods for the Allow header.
func (rt *route) allow() string {
	ms := make([]string, 0, len(rt.handlers))
	for m := range rt.handlers {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return strings.Join(ms, ", ")
}
