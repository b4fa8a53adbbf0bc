package store

import "strconv"

// DefaultPageSize is used when Page.Limit is zero.
const DefaultPageSize = 100

// MaxPageSize bounds Page.Limit so one call cannot load a whole table.
const MaxPageSize = 1000

// Page asks for one page of a listing. Listings return the cursor of the
// next page, or "" after the last one; cursors are opaque.
type Page struct {
	// Limit is the most items to return; zero means DefaultPageSize and
	// values above MaxPageSize are lowered to it.
	Limit int
	// After is the cursor returned with the previous page; empty starts at
	// the beginning.
	After string
}

// Size returns the effective limit.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// PageOf reads a listing route's ?limit= and ?after=: a limit that is not
// a whole number counts as none (DefaultPageSize), as Size treats zero, so
// every listing route pages alike.
func PageOf(limit, after string) Page {
	n, _ := strconv.Atoi(limit)
	return Page{Limit: n, After: after}
}
