package sdk

import (
	"context"
	"time"

	"google.golang.org/grpc"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// DefaultBatchSize is how many records a streamed message carries when the
// host does not say: large enough to amortise gRPC framing, small enough to
// keep memory per message small; a byte cap (maxFrameBytes) keeps
// large records under gRPC's 4 MiB default whatever the count.
const DefaultBatchSize = 1000

// Fetch runs an inbound endpoint, preconfigured or custom, and streams its
// records page by page in batches.
func (s *server) Fetch(req *connectorv1.FetchRequest, stream grpc.ServerStreamingServer[connectorv1.FetchResponse]) error {
	ctx := stream.Context()
	e, err := s.newEnv(ctx, req.GetSettings())
	if err != nil {
		return s.failNoEnv(err)
	}
	var ep Endpoint
	switch {
	case req.GetCustom() != nil:
		if s.c.DisableCustomEndpoints {
			return s.failNoEnv(ErrCustomDisabled)
		}
		ep = endpointFromProto(req.GetCustom())
		if err := ep.Paging.check(); err != nil {
			return s.failNoEnv(err)
		}
	default:
		p, ok := s.endpoints[req.GetEndpointId()]
		if !ok {
			return s.failNoEnv(ErrUnknownEndpoint)
		}
		ep = *p
	}
	batchSize := int(req.GetBatchSize())
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	path := splitDotted(ep.RecordsPath)
	pg := newPager(ep.Paging)
	wantExchange := req.GetIncludeExchange()
	e.maxBody = int(req.GetMaxBodyBytes())
	c := call{method: ep.method(), url: ep.URL, query: ep.Query, headers: ep.Headers, idempotent: true}

	proj := newProjection(req.GetFields())
	var b batcher = &structBatcher{stream: stream, size: batchSize, proj: proj}
	if s.preEncoded {
		b = newFrameBatcher(stream, batchSize, proj)
	}
	depth := 1
	if pg.canLookAhead() {
		depth = pagesAhead
	}
	maxPages := int(req.GetMaxPages())
	start, records := time.Now(), 0
	resp, err := e.do(ctx, c, pg.params())
	if err != nil {
		return e.fail(nil, err)
	}
	ahead := newPageQueue(ctx, e, c)
	defer ahead.stop()
	for page := 1; ; page++ {
		// Decide whether there is a next page before converting this one
		// (a count is cheap next to conversion) and keep the following
		// pages requested, so that the app prepares them while this one
		// is converted and streamed.
		more, decided := false, false
		if maxPages <= 0 || page < maxPages {
			if more, decided = pg.fromHeader(resp); !decided {
				n, err := scanRecords(resp.Body, path, (*jsonScanner).skip)
				if err != nil {
					return e.fail(nil, &decodeError{page: page, err: err})
				}
				if more, err = pg.next(n, resp); err != nil {
					return e.fail(nil, err)
				}
			}
		}
		if more {
			// Requested already: page+1 … page+pending; ask for the rest.
			for k := ahead.pending(); k < depth && (maxPages <= 0 || page+1+k <= maxPages); k++ {
				ahead.start(pg.paramsAhead(k))
			}
		}
		n, err := s.streamPage(ctx, b, resp, path, page, wantExchange, e)
		if err != nil {
			return err
		}
		ahead.recycle(resp.Body)
		wantExchange = false
		records += n
		// An app that says "more" on an empty page would page forever;
		// an empty page ends paging whatever the header says.
		if !more || n == 0 {
			s.log.Debug("fetch done", "endpoint", ep.ID, "pages", page, "records", records, "duration", time.Since(start))
			return nil
		}
		f := ahead.next()
		if f.err != nil {
			return e.fail(nil, f.err)
		}
		resp = f.resp
	}
}

// streamPage converts the records of one page and streams them in batches;
// the first message carries the exchange when asked.
func (s *server) streamPage(ctx context.Context, b batcher, resp *httpexec.Response, path []string, page int, withExchange bool, e *env) (int, error) {
	var ex *connectorv1.Exchange
	if withExchange {
		ex = e.exchange(nil, resp, nil)
	}
	var sendErr error
	n, err := b.addAll(resp.Body, path, func() error {
		if !b.full() {
			return nil
		}
		sendErr = b.flush(page, ex)
		ex = nil
		return sendErr
	})
	switch {
	case sendErr != nil:
		return n, sendErr // the stream failed: the host is gone or cancelled
	case err != nil && ctx.Err() != nil:
		return n, e.fail(nil, ctx.Err())
	case err != nil:
		return n, e.fail(nil, &decodeError{page: page, err: err})
	}
	return n, b.flush(page, ex)
}

// decodeError is a page whose body is not the list the endpoint declares.
type decodeError struct {
	page int
	err  error
}

// Error names the page and what was wrong with it.
func (d *decodeError) Error() string {
	return "page " + itoa(d.page) + ": the response does not hold the declared records: " + d.err.Error()
}

// Unwrap classifies the error as a definition problem.
func (d *decodeError) Unwrap() error { return ErrBadDefinition }
