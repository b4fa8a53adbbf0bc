package console

import (
	"net/http"
	"net/url"

	"github.com/idbridge/idbridge/host/apiclient"
)

// directorySearch answers the picker's requests: the API's directory
// search, with the session's token, passed through as JSON. The API checks
// the role; a refusal comes back as its JSON error. See decision 0223.
func (c *Console) directorySearch(w http.ResponseWriter, r *http.Request, s *session) {
	q := url.Values{}
	for _, k := range []string{"q", "kind", "page", "limit"} {
		if v := r.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	a := c.api.call(r.Context(), r, s.token, apiclient.RouteGetDirectorySearch, nil, nil, apiclient.Query(q))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}
