package dirsearch

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
)

// DefaultLimit is the page size when the caller gives none.
const DefaultLimit = 20

// Searcher is the part of *directory.Client the route needs.
type Searcher interface {
	SearchObjects(ctx context.Context, text string, kinds []directory.ObjectKind, skip, limit int) ([]directory.Found, bool, error)
}

// AttributeLister is the part of *directory.Client the attributes route
// needs.
type AttributeLister interface {
	UserAttributeTypes(ctx context.Context) ([]directory.AttributeType, error)
}

// Routes serves the directory search and the user attributes of the
// directory's schema.
type Routes struct {
	// Directory is searched; required.
	Directory Searcher
	// Attributes lists the schema's user attributes; nil leaves the
	// route out.
	Attributes AttributeLister
}

// Page is one page of search results.
type Page struct {
	// Results are the objects found, in the directory's order.
	Results []directory.Found `json:"results"`
	// Next is the page to ask for next (the page query parameter); 0
	// when this is the last page.
	Next int `json:"next,omitempty"`
}

// Routes implements api.RouteProvider.
func (r Routes) Routes() []api.Route {
	routes := []api.Route{{
		Method: http.MethodGet, Pattern: "/v1/directory/search", MinRole: api.RoleOperator,
		Summary:  "Find users, groups and OUs whose name, logon name or mail begins with q (kind=user,group,ou; page, limit)",
		Response: Page{}, Errors: []int{http.StatusBadRequest, http.StatusServiceUnavailable},
		Handler: r.search,
	}}
	if r.Attributes != nil {
		// Forms offer these as choices (a data source's LDAP attributes);
		// the API still checks every name at save. See decision 0270.
		routes = append(routes, api.Route{
			Method: http.MethodGet, Pattern: "/v1/directory/attributes", MinRole: api.RoleOperator,
			Summary:  "List the attributes user objects may hold under the directory's schema, with whether each is single-valued or read-only",
			Response: []directory.AttributeType{}, Errors: []int{http.StatusServiceUnavailable},
			Handler: r.attributes,
		})
	}
	return routes
}

func (r Routes) attributes(c *api.Call) (any, error) {
	out, err := r.Attributes.UserAttributeTypes(c.Context())
	if err != nil {
		return nil, &api.Error{Status: http.StatusServiceUnavailable, Code: "directory_unavailable",
			Message: "the directory's schema cannot be read; check that the directory answers and that the bind account may read the schema", Err: err}
	}
	return out, nil
}

func (r Routes) search(c *api.Call) (any, error) {
	q := c.Query("q")
	if strings.TrimSpace(q) == "" {
		return nil, fieldError("q", "type part of a name, logon name or mail address")
	}
	var kinds []directory.ObjectKind
	if k := c.Query("kind"); k != "" {
		for _, part := range strings.Split(k, ",") {
			switch kind := directory.ObjectKind(strings.TrimSpace(part)); kind {
			case directory.KindUser, directory.KindGroup, directory.KindOU:
				kinds = append(kinds, kind)
			default:
				return nil, fieldError("kind", "choose user, group or ou (several separated by commas)")
			}
		}
	}
	limit, err := number(c.Query("limit"), DefaultLimit)
	if err != nil || limit < 1 || limit > 100 {
		return nil, fieldError("limit", "a whole number from 1 to 100")
	}
	page, err := number(c.Query("page"), 0)
	if err != nil || page < 0 {
		return nil, fieldError("page", "a whole number from 0")
	}
	if (page+1)*limit > directory.MaxSearchResults {
		return nil, fieldError("page", "too far: type more of the name to narrow the search")
	}
	found, more, err := r.Directory.SearchObjects(c.Context(), q, kinds, page*limit, limit)
	switch {
	case errors.Is(err, directory.ErrUnavailable):
		return nil, &api.Error{Status: http.StatusServiceUnavailable, Code: "directory_unavailable",
			Message: "the directory does not answer; try again, and check the host's directory settings if it lasts", Err: err}
	case errors.Is(err, directory.ErrRejected):
		return nil, &api.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: "the directory refused this search; type a plainer name", Err: err}
	case err != nil:
		return nil, err
	}
	out := Page{Results: found}
	if out.Results == nil {
		out.Results = []directory.Found{}
	}
	if more {
		out.Next = page + 1
	}
	return out, nil
}

func number(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}

// fieldError refuses one query parameter, in words.
func fieldError(field, msg string) error {
	return &api.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: field + ": " + msg,
		Fields: []api.FieldError{{Field: field, Message: msg}}}
}
