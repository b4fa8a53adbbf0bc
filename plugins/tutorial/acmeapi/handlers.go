package acmeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
)

// MaxLimit is the largest page the API serves; a larger ?limit is an error,
// as on many real APIs, so a connector's page size must respect it.
const MaxLimit = 100

// defaultLimit is the page size when ?limit is absent.
const defaultLimit = 20

func (s *Server) me(w http.ResponseWriter, _ *http.Request, key Key) {
	writeJSON(w, http.StatusOK, map[string]string{"email": key.Email, "role": string(key.Role), "tenant": s.tenant})
}

// window reads ?offset and ?limit.
func window(r *http.Request) (offset, limit int, problem string) {
	q := r.URL.Query()
	offset, limit = 0, defaultLimit
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, "offset must be a whole number of at least 0, got " + strconv.Quote(v)
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return 0, 0, fmt.Sprintf("limit must be between 1 and %d, got %q", MaxLimit, v)
		}
		limit = n
	}
	return offset, limit, ""
}

// page answers one window of a list under the name kind.
func page[T any](w http.ResponseWriter, kind string, all []T, offset, limit int) {
	start, end := min(offset, len(all)), min(offset+limit, len(all))
	writeJSON(w, http.StatusOK, map[string]any{kind: all[start:end], "total": len(all), "offset": offset, "limit": limit})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ Key) {
	offset, limit, problem := window(r)
	if problem != "" {
		writeError(w, http.StatusBadRequest, CodeBadParameter, problem)
		return
	}
	s.mu.Lock()
	users := append([]User(nil), s.users...)
	s.mu.Unlock()
	if email := r.URL.Query().Get("email"); email != "" {
		var match []User
		for _, u := range users {
			if strings.EqualFold(u.Email, email) {
				match = append(match, u)
			}
		}
		users = match
	}
	page(w, "users", users, offset, limit)
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request, _ Key) {
	offset, limit, problem := window(r)
	if problem != "" {
		writeError(w, http.StatusBadRequest, CodeBadParameter, problem)
		return
	}
	s.mu.Lock()
	teams := make([]Team, len(s.teams))
	for i, t := range s.teams {
		t.MemberCount = 0
		for _, u := range s.users {
			if u.Team == t.ID && u.Active {
				t.MemberCount++
			}
		}
		teams[i] = t
	}
	s.mu.Unlock()
	page(w, "teams", teams, offset, limit)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, _ Key) {
	u, ok := s.User(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, CodeNotFound, "no user with id "+r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// requireAdmin refuses changes by reader keys.
func requireAdmin(w http.ResponseWriter, key Key) bool {
	if key.Role != RoleAdmin {
		writeError(w, http.StatusForbidden, CodeForbidden, "this API key is read-only; changes need a key with the admin role")
		return false
	}
	return true
}

// teamKnown reports whether id is "" (no team) or a team; s.mu held.
func (s *Server) teamKnown(id string) bool {
	if id == "" {
		return true
	}
	for _, t := range s.teams {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, key Key) {
	if !requireAdmin(w, key) {
		return
	}
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Team  string `json:"team"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParameter, "the body must be a JSON object: "+err.Error())
		return
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		writeError(w, http.StatusUnprocessableEntity, CodeInvalidEmail, fmt.Sprintf("%q is not an e-mail address", in.Email))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.teamKnown(in.Team) {
		writeError(w, http.StatusUnprocessableEntity, CodeUnknownTeam, "no team with id "+in.Team)
		return
	}
	if s.indexByEmail(in.Email) >= 0 {
		writeError(w, http.StatusConflict, CodeEmailTaken, "a user with e-mail "+in.Email+" already exists")
		return
	}
	u := User{ID: fmt.Sprintf("u_%04d", s.nextID), Email: in.Email, Name: in.Name, Team: in.Team, Active: true, CreatedAt: s.now().UTC()}
	s.nextID++
	s.users = append(s.users, u)
	writeJSON(w, http.StatusCreated, u)
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, key Key) {
	if !requireAdmin(w, key) {
		return
	}
	var in struct {
		Active *bool   `json:"active"`
		Team   *string `json:"team"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadParameter, "the body must be a JSON object: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.users {
		if s.users[i].ID != r.PathValue("id") {
			continue
		}
		if in.Team != nil && !s.teamKnown(*in.Team) {
			writeError(w, http.StatusUnprocessableEntity, CodeUnknownTeam, "no team with id "+*in.Team)
			return
		}
		if in.Active != nil {
			s.users[i].Active = *in.Active
		}
		if in.Team != nil {
			s.users[i].Team = *in.Team
		}
		writeJSON(w, http.StatusOK, s.users[i])
		return
	}
	writeError(w, http.StatusNotFound, CodeNotFound, "no user with id "+r.PathValue("id"))
}
