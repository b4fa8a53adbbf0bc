package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of ProjectRequest.name in the official spec.
const (
	minProjectName = 2
	maxProjectName = 250
)

// projectDTO is ProjectDtoV1, with the archived flag Clockify also sends.
type projectDTO struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	WorkspaceID string          `json:"workspaceId"`
	Color       string          `json:"color"`
	Duration    string          `json:"duration"`
	Note        string          `json:"note"`
	Public      bool            `json:"public"`
	Archived    bool            `json:"archived"`
	Memberships []membershipDTO `json:"memberships"`
}

func (w *wsState) renderProject(p *Project) projectDTO {
	return projectDTO{ID: p.ID, Name: p.Name, WorkspaceID: w.meta.ID, Color: "#03A9F4", Duration: "PT0S",
		Archived: p.Archived, Memberships: []membershipDTO{}}
}

func (w *wsState) project(id string) *Project {
	for _, p := range w.projects {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// listProjects serves GET .../projects: name matches a substring without
// regard to case, or the whole name with strict-name-search; archived
// filters when given; ordered by name.
func (s *Server) listProjects(c *call) {
	q := c.r.URL.Query()
	lq := listQuery{c: c}
	strict := lq.bool("strict-name-search", false)
	order := lq.enum("sort-order", "ASCENDING", sortOrders...)
	page, size := lq.paging()
	if lq.err != nil {
		return
	}
	archived := q.Get("archived")
	if archived != "" && archived != "true" && archived != "false" {
		writeError(c.w, http.StatusBadRequest, codeBadRequestBody, fmt.Sprintf("Failed to convert value of type 'java.lang.String' to required type 'java.lang.Boolean'; Invalid boolean value [%s]", archived))
		return
	}
	name := strings.ToLower(q.Get("name"))
	s.store.mu.RLock()
	var ps []*Project
	for _, p := range c.ws.projects {
		n := strings.ToLower(p.Name)
		switch {
		case name != "" && strict && n != name, name != "" && !strict && !strings.Contains(n, name):
			continue
		case archived != "" && p.Archived != (archived == "true"):
			continue
		}
		ps = append(ps, p)
	}
	slices.SortStableFunc(ps, func(a, b *Project) int {
		c := strings.Compare(a.Name, b.Name)
		if order == "DESCENDING" {
			return -c
		}
		return c
	})
	out, last := renderPage(ps, page, size, c.ws.renderProject)
	s.store.mu.RUnlock()
	writePage(c, out, last)
}

// projectRequest is the part of ProjectRequest the sandbox keeps.
type projectRequest struct {
	Name string `json:"name"`
}

// createProject serves POST .../projects: 201 with the new project; a
// name taken in the workspace, too short or too long is refused.
func (s *Server) createProject(c *call) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	var req projectRequest
	if !adminBody(c, &req) {
		return
	}
	name := strings.TrimSpace(req.Name)
	if n := utf8.RuneCountInString(name); n < minProjectName || n > maxProjectName {
		writeError(c.w, http.StatusBadRequest, codeBusiness, fmt.Sprintf("Project name must be between %d and %d characters", minProjectName, maxProjectName))
		return
	}
	for _, p := range c.ws.projects {
		if strings.EqualFold(p.Name, name) {
			writeError(c.w, http.StatusBadRequest, codeBusiness, "Project with that name already exists")
			return
		}
	}
	p := &Project{ID: newID(), Name: name}
	c.ws.projects = append(c.ws.projects, p)
	c.ws.version++
	writeJSON(c.w, http.StatusCreated, c.ws.renderProject(p))
}
