// Package scimtest serves a SCIM 2.0 service provider on loopback for the
// SCIM connector's tests and the host's end-to-end tests. Routing, paging
// parameters, filter parsing and validation, PATCH parsing and the error
// bodies come from github.com/elimity-com/scim, so the connector is tested
// against that library's reading of RFC 7644 rather than against ours;
// this package only keeps the users and groups in memory.
package scimtest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// Server is a running SCIM service provider.
type Server struct {
	srv    *httptest.Server
	token  string
	users  *store
	groups *store
}

// Options configure Start.
type Options struct {
	// Token is the bearer token the server accepts; required.
	Token string
	// Users seeds this many users, user1 … userN (userName
	// "userN@example.com"), before the server starts.
	Users int
	// Listener, if set, is where the server listens; otherwise a free
	// loopback port.
	Listener net.Listener
}

// Start serves a SCIM provider under /scim/v2 on loopback.
func Start(opts Options) (*Server, error) {
	if opts.Token == "" {
		return nil, fmt.Errorf("scimtest: a token is required")
	}
	s := &Server{token: opts.Token, users: newStore("u", "userName"), groups: newStore("g", "displayName")}
	for i := 1; i <= opts.Users; i++ {
		name := fmt.Sprintf("user%d@example.com", i)
		s.users.put(scim.ResourceAttributes{"userName": name, "active": true,
			"name": map[string]any{"givenName": "User", "familyName": fmt.Sprint(i)}})
	}
	sp, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportFiltering: true, SupportPatch: true, MaxResults: 100},
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Schema: schema.CoreUserSchema(), Handler: s.users},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Schema: schema.CoreGroupSchema(), Handler: s.groups},
		},
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/", http.StripPrefix("/scim", s.authorize(sp)))
	s.srv = httptest.NewUnstartedServer(mux)
	if opts.Listener != nil {
		s.srv.Listener.Close()
		s.srv.Listener = opts.Listener
	}
	s.srv.Start()
	return s, nil
}

// URL is the SCIM base URL, the one /Users is appended to.
func (s *Server) URL() string { return s.srv.URL + "/scim/v2" }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// authorize answers 401 with a SCIM error body unless the bearer token is
// the server's.
func (s *Server) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.token {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Authorization failure. The bearer token is invalid or missing.","status":"401"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// User returns the user with userName, or false.
func (s *Server) User(userName string) (map[string]any, bool) { return s.users.byUnique(userName) }

// Group returns the group with displayName, or false.
func (s *Server) Group(displayName string) (map[string]any, bool) {
	return s.groups.byUnique(displayName)
}

// Members returns the user ids in the group with displayName.
func (s *Server) Members(displayName string) []string {
	g, ok := s.Group(displayName)
	if !ok {
		return nil
	}
	var ids []string
	members, _ := g["members"].([]any)
	for _, m := range members {
		if mm, ok := m.(map[string]any); ok {
			ids = append(ids, fmt.Sprint(mm["value"]))
		}
	}
	slices.Sort(ids)
	return ids
}

// store keeps one resource type in insertion order; unique names the
// attribute no two resources may share (RFC 7643 uniqueness "server").
type store struct {
	mu     sync.Mutex
	prefix string // of the ids, e.g. "u" for u-0001
	unique string
	ids    []string
	byID   map[string]scim.ResourceAttributes
	next   int
}

func newStore(prefix, unique string) *store {
	return &store{prefix: prefix, unique: unique, byID: map[string]scim.ResourceAttributes{}}
}

func (st *store) put(attrs scim.ResourceAttributes) scim.Resource {
	st.next++
	id := fmt.Sprintf("%s-%04d", st.prefix, st.next)
	st.ids = append(st.ids, id)
	st.byID[id] = attrs
	return scim.Resource{ID: id, Attributes: attrs}
}

func (st *store) byUnique(v string) (map[string]any, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range st.ids {
		if a := st.byID[id]; strings.EqualFold(fmt.Sprint(a[st.unique]), v) {
			out := map[string]any{"id": id}
			for k, v := range a {
				out[k] = v
			}
			return out, true
		}
	}
	return nil, false
}

// Create implements scim.ResourceHandler.
func (st *store) Create(_ *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, a := range st.byID {
		if strings.EqualFold(fmt.Sprint(a[st.unique]), fmt.Sprint(attrs[st.unique])) {
			e := scimerrors.ScimErrorUniqueness
			e.Detail = fmt.Sprintf("%s %q is already taken", st.unique, attrs[st.unique])
			return scim.Resource{}, e
		}
	}
	return st.put(attrs), nil
}

// Get implements scim.ResourceHandler.
func (st *store) Get(_ *http.Request, id string) (scim.Resource, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.byID[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return scim.Resource{ID: id, Attributes: a}, nil
}

// GetAll implements scim.ResourceHandler: filter, then the 1-based page.
func (st *store) GetAll(_ *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var match []scim.Resource
	for _, id := range st.ids {
		a := st.byID[id]
		if p.FilterValidator != nil {
			withID := map[string]any{"id": id}
			for k, v := range a {
				withID[k] = v
			}
			if p.FilterValidator.PassesFilter(withID) != nil {
				continue
			}
		}
		match = append(match, scim.Resource{ID: id, Attributes: a})
	}
	page := scim.Page{TotalResults: len(match), Resources: []scim.Resource{}}
	for i := p.StartIndex - 1; i >= 0 && i < len(match) && len(page.Resources) < p.Count; i++ {
		page.Resources = append(page.Resources, match[i])
	}
	return page, nil
}

// Replace implements scim.ResourceHandler.
func (st *store) Replace(_ *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.byID[id]; !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	st.byID[id] = attrs
	return scim.Resource{ID: id, Attributes: attrs}, nil
}

// Delete implements scim.ResourceHandler.
func (st *store) Delete(_ *http.Request, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.byID[id]; !ok {
		return scimerrors.ScimErrorResourceNotFound(id)
	}
	delete(st.byID, id)
	st.ids = slices.DeleteFunc(st.ids, func(s string) bool { return s == id })
	return nil
}

// Patch implements scim.ResourceHandler for what provisioning sends:
// replace of a simple attribute (active), add to a multi-valued one
// (members) and remove by a value filter (members[value eq "id"]).
func (st *store) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.byID[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	for _, op := range ops {
		if op.Path == nil {
			return scim.Resource{}, scimerrors.ScimErrorBadRequest("this provider needs a path in every operation")
		}
		name := op.Path.AttributePath.AttributeName
		switch op.Op {
		case scim.PatchOperationReplace:
			a[name] = op.Value
		case scim.PatchOperationAdd:
			list, _ := a[name].([]any)
			adds, _ := op.Value.([]any)
			for _, v := range adds {
				if !slices.ContainsFunc(list, func(x any) bool { return sameValue(x, v) }) {
					list = append(list, v)
				}
			}
			a[name] = list
		case scim.PatchOperationRemove:
			list, _ := a[name].([]any)
			if op.Path.ValueExpression == nil {
				delete(a, name)
				continue
			}
			want := valueIn(fmt.Sprint(op.Path.ValueExpression))
			a[name] = slices.DeleteFunc(list, func(x any) bool { return sameValue(x, map[string]any{"value": want}) })
		}
	}
	return scim.Resource{ID: id, Attributes: a}, nil
}

// sameValue compares two members by their value sub-attribute.
func sameValue(a, b any) bool {
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	return am != nil && bm != nil && fmt.Sprint(am["value"]) == fmt.Sprint(bm["value"])
}

// valueIn reads the compared value of a filter such as `value eq "u-1"`.
func valueIn(expr string) string {
	_, v, _ := strings.Cut(expr, " eq ")
	return strings.Trim(strings.TrimSpace(v), `"`)
}
