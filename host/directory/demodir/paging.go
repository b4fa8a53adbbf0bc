package demodir

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
)

// pageState is the position of one paged search. The matching keys are
// fixed on the first page, so later pages neither repeat nor skip objects
// when others are added meanwhile; deleted ones are left out.
type pageState struct {
	conn      int
	signature string
	keys      []string
	pos       int
	sent      int
}

// pager holds the open paged searches. Cookies are random, opaque and tied
// to the connection that started the search; closing it frees them.
type pager struct {
	mu     sync.Mutex
	states map[string]*pageState
	// perConn caps open searches per connection so a client that never
	// finishes its searches cannot grow memory without bound.
	perConn int
}

func newPager() *pager {
	return &pager{states: make(map[string]*pageState), perConn: 32}
}

// open stores a new state and returns its cookie.
func (p *pager) open(st *pageState) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	cookie := hex.EncodeToString(b[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c, s := range p.states {
		if s.conn == st.conn {
			n++
			if n >= p.perConn {
				delete(p.states, c)
			}
		}
	}
	p.states[cookie] = st
	return cookie
}

// take removes and returns the state of a cookie if it belongs to the
// connection and to the same search.
func (p *pager) take(cookie string, conn int, signature string) (*pageState, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.states[cookie]
	if !ok || st.conn != conn {
		return nil, resultErr(53, "the paging cookie is unknown or expired; start the search again without a cookie")
	}
	if st.signature != signature {
		return nil, resultErr(2, "a paging cookie must be sent with the same base, scope, filter and attributes as the first page")
	}
	delete(p.states, cookie)
	return st, nil
}

// put stores a state again under a fresh cookie for the next page.
func (p *pager) put(st *pageState) string { return p.open(st) }

// drop abandons a search (page size 0 with a cookie, RFC 2696).
func (p *pager) drop(cookie string, conn int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.states[cookie]; ok && st.conn == conn {
		delete(p.states, cookie)
	}
}

// closeConn frees every search of a closed connection.
func (p *pager) closeConn(conn int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c, s := range p.states {
		if s.conn == conn {
			delete(p.states, c)
		}
	}
}

// openCount reports the number of open paged searches (for tests).
func (p *pager) openCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.states)
}

// searchSignature identifies a search for cookie checks.
func searchSignature(base string, scope int64, filter string, attrs []string) string {
	return strings.ToLower(base) + "\x00" + string(rune('0'+scope)) + "\x00" + filter + "\x00" + strings.Join(attrs, ",")
}
