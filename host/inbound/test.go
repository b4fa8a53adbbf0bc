package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk"
)

// TestResult is what a test of an endpoint saw: the first exchange with
// the app and the fields of the first page.
type TestResult struct {
	IntegrationID string `json:"integrationId"`
	EndpointID    string `json:"endpointId"`
	// Digest identifies the tested definition; Save accepts exactly the
	// definition with this digest.
	Digest string `json:"digest"`
	// OK is true when the call succeeded and returned records.
	OK bool `json:"ok"`
	// Error says why the test failed, and what to do.
	Error string `json:"error,omitempty"`
	// Exchange is the request and response, secrets masked.
	Exchange *Exchange `json:"exchange,omitempty"`
	// Records is the number of records on the first page.
	Records int `json:"records"`
	// Fields are the fields found: flattened paths, types, sample values.
	Fields []mapping.Field `json:"fields"`
	// Saved is set when the test was followed by a save.
	Saved bool `json:"saved"`
}

// Exchange is one HTTP call as it crossed the wire, with secrets masked.
type Exchange struct {
	Method          string `json:"method"`
	URL             string `json:"url"`
	RequestHeaders  []KV   `json:"requestHeaders,omitempty"`
	Status          int    `json:"status"`
	ResponseHeaders []KV   `json:"responseHeaders,omitempty"`
	// Body is the response body, shortened to MaxBodyShown bytes.
	Body       string `json:"body,omitempty"`
	Attempts   int    `json:"attempts"`
	DurationMS int64  `json:"durationMs"`
}

// MaxBodyShown bounds the response body kept in a test result: enough to
// see the shape of the answer, small enough for a console screen.
const MaxBodyShown = 16 << 10

// askedBodyBytes is how much of the body the host asks the connector to
// send: what it shows and some more, so that a secret the host knows in a
// form the connector does not is still whole when the host cuts it.
const askedBodyBytes = MaxBodyShown + 4<<10

// Test runs a custom definition for real, first page only, and returns
// what it saw. A successful test is recorded in the store, so Save accepts
// the definition for TestMarkTTL, across restarts, as long as it does not
// change in between. When that record cannot be written the result comes
// back with an error wrapping ErrTestNotRecorded.
func (s *Service) Test(ctx context.Context, integrationID string, def Definition) (*TestResult, error) {
	def = def.normalize()
	if p := def.check(false); len(p) > 0 {
		return nil, &InvalidError{Problems: p}
	}
	p, err := s.checkMacros(ctx, integrationID, def)
	if err != nil {
		return nil, err
	}
	if len(p) > 0 {
		return nil, &InvalidError{Problems: p}
	}
	rendered, err := s.render(ctx, integrationID, def)
	if err != nil {
		return nil, err
	}
	req := &connectorv1.FetchRequest{Endpoint: &connectorv1.FetchRequest_Custom{Custom: rendered.spec()}}
	res := s.run(ctx, integrationID, def.ID, def.digest(integrationID), req)
	if !res.OK {
		return res, nil
	}
	// The result goes back with the error: the admin still sees what the
	// app answered, and learns that this test cannot be saved.
	return res, s.markPassed(ctx, res)
}

// TestEndpoint runs a saved custom or preconfigured endpoint for real,
// first page only. With save set, a successful test records the fields
// found as the endpoint's fields.
func (s *Service) TestEndpoint(ctx context.Context, integrationID, endpointID string, save bool) (*TestResult, error) {
	e, err := s.Get(ctx, integrationID, endpointID)
	if err != nil {
		return nil, err
	}
	if e.Custom {
		res, err := s.Test(ctx, integrationID, e.Definition)
		if err != nil || !save || !res.OK {
			return res, err
		}
		_, err = s.save(ctx, integrationID, e.Definition, modeReplace)
		res.Saved = err == nil
		return res, err
	}
	digest := "preconfigured:" + endpointID
	req := &connectorv1.FetchRequest{Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: endpointID}}
	res := s.run(ctx, integrationID, endpointID, digest, req)
	if !save || !res.OK {
		return res, nil
	}
	now := s.cfg.Now().UTC()
	rec := Endpoint{Definition: Definition{ID: endpointID}, IntegrationID: integrationID,
		Fields: res.Fields, FieldsFrom: "test", Tested: now, Digest: digest}
	if err := s.cfg.Docs.Put(ctx, Kind, docID(integrationID, endpointID), rec); err != nil {
		return res, err
	}
	res.Saved = true
	return res, nil
}

// TestAndSave tests a custom definition and saves it only when the test
// passes: as a new endpoint (replace false, an existing id is refused) or
// over an existing one (replace true). A failed test returns a *TestError
// holding what the app answered; nothing is saved then, nor when the
// passed test cannot be recorded (ErrTestNotRecorded).
func (s *Service) TestAndSave(ctx context.Context, integrationID string, def Definition, replace bool) (*TestResult, *Endpoint, error) {
	def = def.normalize()
	if p := def.check(true); len(p) > 0 {
		return nil, nil, &InvalidError{Problems: p}
	}
	if err := s.checkSavable(ctx, integrationID, def, modeFor(replace)); err != nil {
		return nil, nil, err
	}
	res, err := s.Test(ctx, integrationID, def)
	if err != nil {
		return res, nil, err
	}
	if !res.OK {
		return res, nil, &TestError{Result: res, Msg: res.Error}
	}
	e, err := s.save(ctx, integrationID, def, modeFor(replace))
	if err != nil {
		return res, nil, err
	}
	res.Saved = true
	return res, e, nil
}

// Save stores a custom definition that passed Test in exactly this form
// within TestMarkTTL, by this service or any other over the same store.
// Anything else, a changed definition or a test too old, is refused with
// ErrNotTested.
func (s *Service) Save(ctx context.Context, integrationID string, def Definition, replace bool) (*Endpoint, error) {
	def = def.normalize()
	if p := def.check(true); len(p) > 0 {
		return nil, &InvalidError{Problems: p}
	}
	return s.save(ctx, integrationID, def, modeFor(replace))
}

type saveMode int

const (
	modeAdd saveMode = iota
	modeReplace
)

func modeFor(replace bool) saveMode {
	if replace {
		return modeReplace
	}
	return modeAdd
}

// checkSavable refuses ids that collide with the connector's endpoints,
// adds over existing ids and edits of missing ones, before anything runs.
func (s *Service) checkSavable(ctx context.Context, integrationID string, def Definition, mode saveMode) error {
	existing, err := s.Get(ctx, integrationID, def.ID)
	switch {
	case err == nil && !existing.Custom:
		return fmt.Errorf("%w (%q is the connector's)", ErrPreconfigured, def.ID)
	case err == nil && mode == modeAdd:
		return fmt.Errorf("%w: a custom endpoint %q already exists; edit it instead", store.ErrConflict, def.ID)
	case errors.Is(err, ErrUnknownEndpoint) && mode == modeReplace:
		return fmt.Errorf("%w: no custom endpoint %q in integration %q; add it instead", store.ErrNotFound, def.ID, integrationID)
	case err != nil && !errors.Is(err, ErrUnknownEndpoint):
		return err
	}
	return nil
}

func (s *Service) save(ctx context.Context, integrationID string, def Definition, mode saveMode) (*Endpoint, error) {
	digest := def.digest(integrationID)
	passed, err := s.passedMark(ctx, integrationID, def.ID, digest)
	if err != nil {
		return nil, err
	}
	if err := s.checkSavable(ctx, integrationID, def, mode); err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC()
	e := Endpoint{Definition: def, IntegrationID: integrationID, Custom: true, Fields: passed.Fields,
		FieldsFrom: "test", Tested: passed.Passed, Digest: digest, Created: now, Updated: now}
	if mode == modeReplace {
		var old Endpoint
		if err := s.cfg.Docs.Get(ctx, Kind, docID(integrationID, def.ID), &old); err == nil {
			e.Created = old.Created
		}
	}
	if err := s.cfg.Docs.Put(ctx, Kind, docID(integrationID, def.ID), e); err != nil {
		return nil, err
	}
	s.cfg.Logger.Info("saved custom inbound endpoint", "integration", integrationID, "endpoint", def.ID, "fields", len(e.Fields))
	return &e, nil
}

// run performs the first-page fetch and turns the outcome into a result;
// a failed call is a result with OK false, not an error, so the admin sees
// the exchange of a refused request too.
func (s *Service) run(ctx context.Context, integrationID, endpointID, digest string, req *connectorv1.FetchRequest) *TestResult {
	res := &TestResult{IntegrationID: integrationID, EndpointID: endpointID, Digest: digest, Fields: []mapping.Field{}}
	req.MaxPages, req.IncludeExchange, req.MaxBodyBytes = 1, true, askedBodyBytes
	conn, err := s.cfg.Integrations.Connector(ctx, integrationID)
	if err != nil {
		res.Error = s.cfg.Masker.String(err.Error())
		return res
	}
	stream, err := conn.Fetch(ctx, req)
	var records []map[string]any
	for err == nil {
		var msg *connectorv1.FetchResponse
		msg, err = stream.Recv()
		if err != nil {
			break
		}
		if x := msg.GetExchange(); x != nil && res.Exchange == nil {
			res.Exchange = s.exchange(x)
		}
		for _, r := range msg.GetRecords() {
			records = append(records, r.AsMap())
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		res.Error = s.cfg.Masker.String(sdk.FormatAppError(sdk.ErrorFromStatus(err)))
		return res
	}
	res.Records = len(records)
	// Samples leave the host (API, console) and are stored with the
	// endpoint: they pass the masker like every other value (decision 0194).
	res.Fields = mapping.FlattenMasked(records, s.cfg.Masker.String)
	if len(records) == 0 {
		res.Error = "the call succeeded but returned no records, so no fields could be found: check the records path, or test when the app has data"
		return res
	}
	res.OK = true
	return res
}

func (s *Service) exchange(x *connectorv1.Exchange) *Exchange {
	m := s.cfg.Masker.String
	kvs := func(in []*connectorv1.KeyValue) []KV {
		var out []KV
		for _, kv := range in {
			out = append(out, KV{Name: kv.GetName(), Value: m(kv.GetValue())})
		}
		return out
	}
	// Cut where no secret is split, so that masking leaves none of one
	// behind; a connector that honours max_body_bytes sent only the start.
	// See decision 0277.
	body := x.GetResponse().GetBody()
	whole := x.GetResponse().GetBodyLength() <= int64(len(body))
	if !whole || len(body) > MaxBodyShown {
		body = s.cfg.Masker.Cut(body, MaxBodyShown, whole)
	} else {
		body = s.cfg.Masker.Bytes(body)
	}
	return &Exchange{
		Method: x.GetRequest().GetMethod(), URL: m(x.GetRequest().GetUrl()), RequestHeaders: kvs(x.GetRequest().GetHeaders()),
		Status: int(x.GetResponse().GetStatus()), ResponseHeaders: kvs(x.GetResponse().GetHeaders()),
		Body: string(body), Attempts: int(x.GetAttempts()), DurationMS: x.GetDurationMs(),
	}
}
