package sdk

import (
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// DefaultBatchSize is how many records a streamed message carries when the
// host does not say: large enough to amortise gRPC framing, small enough to
// keep each message well under gRPC's 4 MiB default.
const DefaultBatchSize = 500

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

	for page := 1; ; page++ {
		resp, err := e.do(ctx, c, pg.params())
		if err != nil {
			return e.fail(nil, err)
		}
		msg := &connectorv1.FetchResponse{Page: int32(page)}
		if wantExchange {
			msg.Exchange = e.exchange(nil, resp, nil)
			wantExchange = false
		}
		batch := make([]*structpb.Struct, 0, min(batchSize, 1024))
		n, err := decodeRecords(resp.Body, path, func(r *structpb.Struct) error {
			batch = append(batch, r)
			if len(batch) < batchSize {
				return nil
			}
			msg.Records = batch
			if err := stream.Send(msg); err != nil {
				return err
			}
			msg = &connectorv1.FetchResponse{Page: int32(page)}
			batch = make([]*structpb.Struct, 0, min(batchSize, 1024))
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return e.fail(nil, ctx.Err())
			}
			return e.fail(nil, &decodeError{page: page, err: err})
		}
		if len(batch) > 0 || msg.Exchange != nil {
			msg.Records = batch
			if err := stream.Send(msg); err != nil {
				return err
			}
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

func (d *decodeError) Error() string {
	return "page " + itoa(d.page) + ": the response does not hold the declared records: " + d.err.Error()
}

func (d *decodeError) Unwrap() error { return ErrBadDefinition }
