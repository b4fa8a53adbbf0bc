package sandbox

import "net/http"

// listQuery reads the query parameters of a list call in the order the
// handler names them and answers the first bad one. Later reads do nothing
// once one has failed, so a handler reads every parameter and checks err
// once, the way bufio.Scanner reports its error.
type listQuery struct {
	c   *call
	err error
}

// enum reads an optional parameter limited to a set of values.
func (q *listQuery) enum(name, def string, allowed ...string) string {
	if q.err != nil {
		return ""
	}
	v, err := queryEnum(q.c, name, def, allowed...)
	q.err = err
	return v
}

// bool reads an optional boolean parameter.
func (q *listQuery) bool(name string, def bool) bool {
	if q.err != nil {
		return false
	}
	v, err := queryBool(q.c, name, def)
	q.err = err
	return v
}

// paging reads page and page-size (see paging).
func (q *listQuery) paging() (page, size int) {
	if q.err != nil {
		return 0, 0
	}
	page, size, q.err = paging(q.c)
	return page, size
}

// refuseProjectFilter answers a project-id filter: the sandbox keeps no
// project members, so every id is one that does not belong to the
// workspace (see README, "Not modelled").
func (q *listQuery) refuseProjectFilter() {
	if q.err == nil && q.c.r.URL.Query().Get("project-id") != "" {
		writeError(q.c.w, http.StatusBadRequest, codeBusiness, msgProjectNotInWS)
		q.err = errAnswered
	}
}

// renderPage renders the page'th window of items, in their order, and
// reports whether it is the last page.
func renderPage[T, D any](items []T, page, size int, render func(T) D) ([]D, bool) {
	lo, hi, last := pageOf(len(items), page, size)
	out := make([]D, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	return out, last
}

// writePage answers a list as Clockify does: a bare JSON array and the
// Last-Page header.
func writePage(c *call, page any, last bool) {
	setLastPage(c.w, last)
	writeJSON(c.w, http.StatusOK, page)
}
