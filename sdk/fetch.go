package sdk

import (
	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/grpc"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
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
	e, err := s.newEnv(req.GetSettings())
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
	c := call{method: ep.method(), url: ep.URL, query: ep.Query, headers: ep.Headers, idempotent: true}

	var b batcher = &structBatcher{stream: stream, size: batchSize}
	if s.preEncoded {
		b = &frameBatcher{stream: stream, size: batchSize}
	}
	for page := 1; ; page++ {
		resp, err := e.do(ctx, c, pg.params())
		if err != nil {
			return e.fail(nil, err)
		}
		var ex *connectorv1.Exchange
		if wantExchange {
			ex, wantExchange = e.exchange(nil, resp, nil), false
		}
		var sendErr error
		n, err := walkRecords(resp.Body, path, func(dec *jsontext.Decoder) error {
			if err := b.add(dec); err != nil {
				return err
			}
			if !b.full() {
				return nil
			}
			sendErr = b.flush(page, ex)
			ex = nil
			return sendErr
		})
		switch {
		case sendErr != nil:
			return sendErr // the stream failed: the host is gone or cancelled
		case err != nil && ctx.Err() != nil:
			return e.fail(nil, ctx.Err())
		case err != nil:
			return e.fail(nil, &decodeError{page: page, err: err})
		}
		if err := b.flush(page, ex); err != nil {
			return err
		}
		if max := int(req.GetMaxPages()); max > 0 && page >= max {
			return nil
		}
		more, err := pg.next(n, resp)
		if err != nil {
			return e.fail(nil, err)
		}
		if !more {
			return nil
		}
	}
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
