package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// FetchError is a failed read of an endpoint, with the connector's
// account of it (kind, HTTP status, remedy), secrets masked.
type FetchError struct {
	IntegrationID, EndpointID string
	// Page is the last page received before the failure (0: none).
	Page int
	Msg  string
	Err  error
}

// Error implements error.
func (e *FetchError) Error() string {
	return fmt.Sprintf("read endpoint %s of integration %s (after page %d): %s", e.EndpointID, e.IntegrationID, e.Page, e.Msg)
}

// Unwrap exposes the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// FetchOptions tune a Fetch.
type FetchOptions struct {
	// BatchSize is the number of records per streamed batch; 0 lets the
	// connector choose.
	BatchSize int
	// Keep, when set, lists the record fields the caller reads, as dotted
	// paths ("memberships[].membershipStatus"); the connector sends only
	// those and the host decodes only their top-level keys, which saves
	// time and memory on wide records.
	Keep []string
}

// Fetch reads every page of an endpoint and hands each streamed batch of
// records to fn, so a sync never holds more than one batch of raw
// records. An error from fn stops the read and is returned as is.
func (s *Service) Fetch(ctx context.Context, integrationID, endpointID string, opts FetchOptions, fn func(batch []map[string]any) error) error {
	// Fields lets the connector drop what the caller will not read before
	// encoding.
	req := &connectorv1.FetchRequest{BatchSize: int32(opts.BatchSize), Fields: opts.Keep}
	var e Endpoint
	switch err := s.cfg.Docs.Get(ctx, Kind, docID(integrationID, endpointID), &e); {
	case err == nil && e.Custom:
		rendered, err := s.render(ctx, integrationID, e.Definition)
		if err != nil {
			return err
		}
		req.Endpoint = &connectorv1.FetchRequest_Custom{Custom: rendered.spec()}
	case err == nil || errors.Is(err, store.ErrNotFound):
		req.Endpoint = &connectorv1.FetchRequest_EndpointId{EndpointId: endpointID}
	default:
		return err
	}
	conn, err := s.cfg.Integrations.Connector(ctx, integrationID)
	if err != nil {
		return err
	}
	stream, err := conn.Fetch(ctx, req)
	// Each message is decoded from the stream's receive buffer straight
	// into the maps fn takes: going through structpb first cost more CPU
	// than the connector spent producing the records. The decoder also
	// drops keys outside Keep, guarding against connectors that ignore
	// Fields.
	dec := sdk.NewPageDecoder(topLevelKeys(opts.Keep))
	page := 0
	for err == nil {
		var p sdk.Page
		if p, err = dec.Receive(stream); err != nil {
			if errors.Is(err, sdk.ErrMalformedPage) {
				return &FetchError{IntegrationID: integrationID, EndpointID: endpointID, Page: page,
					Msg: fmt.Sprintf("page %d: %v", page+1, err), Err: err}
			}
			break
		}
		page = int(p.Number)
		if ferr := fn(p.Records); ferr != nil {
			return ferr
		}
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &FetchError{IntegrationID: integrationID, EndpointID: endpointID, Page: page,
		Msg: s.cfg.Masker.String(sdk.FormatAppError(sdk.ErrorFromStatus(err))), Err: err}
}

// topLevelKeys returns the first field of each dotted path, for the host's
// decoder, which prunes at the top level only; nil when any path names the
// record itself.
func topLevelKeys(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	var keys []string
	for _, p := range paths {
		k := p
		if i := strings.IndexAny(p, ".["); i >= 0 {
			k = p[:i]
		}
		if k == "" {
			return nil
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}
