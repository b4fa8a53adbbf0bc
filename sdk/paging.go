package sdk

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/sdk/httpexec"
)

// pager produces the paging query of each request and decides, from the
// answer, whether there is another page.
type pager struct {
	p      Paging
	number int    // PAGE_NUMBER: the page to ask for
	offset int    // OFFSET: index of the next record to ask for
	read   int    // records read so far, for TotalPath
	cursor string // CURSOR: "" before the first page
	seen   map[string]bool
	// totalFields and cursorFields are TotalPath and CursorPath as field names, for
	// the scanner; nil when a path has list steps (see scalarAt).
	totalFields, cursorFields []string
}

func newPager(p Paging) *pager {
	// FirstPage is taken literally: 0 for 0-based APIs, 1 for 1-based;
	// for offsets it is the index of the first record.
	g := &pager{p: p, number: p.FirstPage, offset: p.FirstPage}
	g.totalFields, _ = fieldNames(p.TotalPath)
	g.cursorFields, _ = fieldNames(p.CursorPath)
	return g
}

// params is the paging query of the next request.
func (g *pager) params() url.Values {
	v := url.Values{}
	if g.p.SizeParam != "" && g.p.PageSize > 0 {
		v.Set(g.p.SizeParam, strconv.Itoa(g.p.PageSize))
	}
	switch g.p.Kind {
	case PageNumber:
		v.Set(g.p.PageParam, strconv.Itoa(g.number))
	case Offset:
		v.Set(g.p.PageParam, strconv.Itoa(g.offset))
	case Cursor:
		if g.cursor != "" {
			v.Set(g.p.PageParam, g.cursor)
		}
	}
	return v
}

// canLookAhead reports whether the paging query of later pages is known
// before the pages before them arrive: page numbers count up, offsets
// step by the page size; a cursor comes only with its page.
func (g *pager) canLookAhead() bool {
	return g.p.Kind == PageNumber || (g.p.Kind == Offset && g.p.PageSize > 0)
}

// paramsAhead is the paging query of the page k pages after the next
// one (k = 0 is params), for kinds where canLookAhead.
func (g *pager) paramsAhead(k int) url.Values {
	saved := *g
	g.number += k
	g.offset += k * g.p.PageSize
	v := g.params()
	*g = saved
	return v
}

// next advances past a page of n records and reports whether to ask for
// another. A page is the last when it is empty, shorter than asked, marked
// by the last-page header, brings the records read to the total the body
// declares, or (cursor) has no next cursor.
func (g *pager) next(n int, resp *httpexec.Response) (bool, error) {
	if n == 0 {
		return false, nil
	}
	if lastPage(resp.Header, g.p.LastPageHeader) {
		return false, nil
	}
	g.read += n
	if g.p.TotalPath != "" && g.p.Kind != Cursor {
		total, err := totalAt(resp.Body, g.p.TotalPath, g.totalFields)
		if err != nil {
			return false, err
		}
		if g.read >= total {
			return false, nil
		}
	}
	short := g.p.PageSize > 0 && n < g.p.PageSize
	switch g.p.Kind {
	case PageNumber:
		g.number++
		return !short, nil
	case Offset:
		g.offset += n
		return !short, nil
	case Cursor:
		c, err := scalarAt(resp.Body, g.p.CursorPath, g.cursorFields)
		if err != nil || c == "" {
			return false, err
		}
		if g.seen == nil {
			g.seen = map[string]bool{}
		}
		if g.seen[c] {
			return false, fmt.Errorf("%w: the app returned cursor %q twice; paging would never end", ErrBadDefinition, c)
		}
		g.seen[c] = true
		g.cursor = c
		return true, nil
	}
	return false, nil
}

// fromHeader decides whether another page follows from the app's
// last-page header alone, without counting the page's records: counting
// means parsing the whole page once more before it is converted, which
// doubled the connector's work on apps that say where the end is. It
// reports decided=false when the header is absent or unreadable, or for
// paging kinds that need the count; the caller then counts and calls next.
func (g *pager) fromHeader(resp *httpexec.Response) (more, decided bool) {
	if g.p.Kind != PageNumber || g.p.LastPageHeader == "" {
		return false, false
	}
	last, err := strconv.ParseBool(strings.TrimSpace(resp.Header.Get(g.p.LastPageHeader)))
	if err != nil {
		return false, false
	}
	if last {
		return false, true
	}
	g.number++
	return true, true
}

// totalAt reads the total record count at a dotted path; a body without
// one is a definition error, since paging could not know where to stop.
// A count written as a float ("5000.0", "5e3") is taken when whole.
func totalAt(body []byte, path string, fields []string) (int, error) {
	v, err := scalarAt(body, path, fields)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr == nil && f == math.Trunc(f) && f <= math.MaxInt32 {
			n, err = int(f), nil
		}
	}
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: the total count at %q is %q, not a whole number", ErrBadDefinition, path, v)
	}
	return n, nil
}

// scalarAt reads the value at a dotted path of a page as text: a string's
// content, a number as the app wrote it (a numeric cursor beyond 2^53
// stays exact), true or false; a missing path, null, a list or an object
// read as "". fields is path as field names (fieldNames): the scanner then
// finds the value and steps over the rest of the page without decoding
// it, so a page is decoded once, when its records are converted. A path
// with list steps ("links[rel=next].href") needs the decoded document.
// The same rule reads outputs; see decision 0276.
func scalarAt(body []byte, path string, fields []string) (string, error) {
	if fields == nil {
		return scalarAtDecoded(body, path)
	}
	s := &jsonScanner{data: body}
	found, err := s.seek(fields, nil)
	if err == nil && found {
		var v string
		if v, err = s.scalarText(); err == nil {
			return v, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("reading %q in the page: %w", path, err)
	}
	return "", nil
}

// scalarAtDecoded is scalarAt for paths the scanner cannot follow.
func scalarAtDecoded(body []byte, path string) (string, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("reading %q in the page: %w", path, err)
	}
	segs, err := parseOutputPath(path)
	if err != nil {
		return "", err
	}
	v, ok := lookup(doc, segs)
	if !ok || v == nil {
		return "", nil
	}
	return scalarString(v), nil
}

// lastPage reports whether the header name in h says "true".
func lastPage(h http.Header, name string) bool {
	return name != "" && strings.EqualFold(strings.TrimSpace(h.Get(name)), "true")
}
