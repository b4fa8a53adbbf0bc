package sdk

import (
	"context"
	"net/url"

	"github.com/idbridge/idbridge/sdk/httpexec"
)

// pagesAhead is how many pages Fetch keeps requested beyond the one it is
// converting, when the paging kind lets it name pages in advance (page
// numbers, offsets with a page size). One page ahead left the app idle
// whenever the connector fell behind, and against a distant API a single
// request per round trip cannot use the rate budget: at 100 ms a round
// trip it is ten pages a second against Clockify's fifty requests; five
// in flight keep up with that budget. The price is up to four requests
// past the end, answered with empty pages (or errors) and dropped.
const pagesAhead = 5

// pageQueue holds the requests for the pages after the current one, in
// order, and recycles page buffers among them.
type pageQueue struct {
	ctx    context.Context
	cancel context.CancelFunc
	e      *env
	c      call
	queue  []chan fetched
	free   [][]byte
}

// fetched is the outcome of a requested page.
type fetched struct {
	resp *httpexec.Response
	err  error
}

func newPageQueue(ctx context.Context, e *env, c call) *pageQueue {
	ctx, cancel := context.WithCancel(ctx)
	return &pageQueue{ctx: ctx, cancel: cancel, e: e, c: c}
}

// start requests the page with the given paging query.
func (q *pageQueue) start(params url.Values) {
	ch := make(chan fetched, 1) // buffered: an abandoned request leaks nothing
	c := q.c
	if n := len(q.free); n > 0 {
		c.buffer, q.free = q.free[n-1], q.free[:n-1]
	}
	go func() {
		r, err := q.e.do(q.ctx, c, params)
		ch <- fetched{r, err}
	}()
	q.queue = append(q.queue, ch)
}

// pending is how many pages are requested and not yet taken.
func (q *pageQueue) pending() int { return len(q.queue) }

// next waits for the oldest requested page.
func (q *pageQueue) next() fetched {
	f := <-q.queue[0]
	q.queue = q.queue[1:]
	return f
}

// recycle returns a converted page's body for a later page to be read into.
func (q *pageQueue) recycle(body []byte) { q.free = append(q.free, body) }

// stop abandons the pages still requested: past the end, or after a
// failure.
func (q *pageQueue) stop() { q.cancel() }
