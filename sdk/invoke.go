package sdk

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// ErrNoCall is an Invoke without a rendered call.
var ErrNoCall = errors.New("invoke request carries no rendered call")

// Invoke sends one outbound call the host has rendered and returns the
// masked exchange and the outputs.
func (s *server) Invoke(ctx context.Context, req *connectorv1.InvokeRequest) (*connectorv1.InvokeResponse, error) {
	e, err := s.newEnv(ctx, req.GetSettings())
	if err != nil {
		return nil, s.failNoEnv(err)
	}
	e.maxBody = int(req.GetMaxBodyBytes())
	rc := req.GetCall()
	if rc == nil {
		return nil, s.failNoEnv(ErrNoCall)
	}
	var wh *Webhook
	if id := req.GetWebhookId(); id != "" {
		if wh = s.webhooks[id]; wh == nil {
			return nil, s.failNoEnv(ErrUnknownWebhook)
		}
	} else if s.c.DisableCustomWebhooks {
		return nil, s.failNoEnv(ErrCustomDisabled)
	}
	c := call{
		method:      rc.GetMethod(),
		url:         rc.GetUrl(),
		query:       kvsFromProto(rc.GetQuery()),
		headers:     kvsFromProto(rc.GetHeaders()),
		body:        rc.GetBody(),
		contentType: contentType(rc.GetMessageType()),
	}
	for _, st := range req.GetSuccessStatuses() {
		c.success = append(c.success, int(st))
	}
	outs := make([]namedPath, 0, len(req.GetOutputs()))
	for _, o := range req.GetOutputs() {
		outs = append(outs, namedPath{o.GetName(), o.GetPath()})
	}
	if wh != nil {
		if c.method == "" {
			c.method = wh.Method
		}
		c.idempotent = wh.Idempotent
		if wh.ContentType != "" {
			c.contentType = wh.ContentType
		}
		for _, st := range wh.SuccessStatuses {
			if !slices.Contains(c.success, st) {
				c.success = append(c.success, st)
			}
		}
		if len(outs) == 0 {
			for _, o := range wh.Outputs {
				outs = append(outs, namedPath{o.Name, o.Path})
			}
		}
	}
	if !validMethod(c.method) {
		return nil, s.failNoEnv(errors.Join(ErrBadDefinition, errors.New("method "+strconv.Quote(c.method)+" is not an HTTP method")))
	}
	if h := s.c.IdempotencyHeader; h != "" && req.GetIdempotencyKey() != "" {
		c.headers = append(c.headers, KV{Name: h, Value: req.GetIdempotencyKey()})
	}
	resp, err := e.do(ctx, c, nil)
	if err != nil {
		return nil, e.fail(c.body, err)
	}
	ex := e.exchange(c.body, resp, nil)
	if resp.Status == http.StatusNoContent {
		// The app said it has nothing to return (SCIM's PATCH may answer
		// 204): no outputs, and a later step that needs one fails on its
		// missing macro with a clear message. See decision 0203.
		outs = nil
	}
	out, err := extractOutputs(resp.Body, outs)
	if err != nil {
		ae := &connectorv1.AppError{
			Kind: connectorv1.ErrorKind_ERROR_KIND_NOT_FOUND, HttpStatus: int32(resp.Status),
			Message: e.mask.str(err.Error()), Exchange: ex,
			Remedy: "the app answered but without the expected value: check that the object exists (see the exchange)",
		}
		if errors.Is(err, ErrBadDefinition) {
			ae.Kind = connectorv1.ErrorKind_ERROR_KIND_INVALID_SETTINGS
			ae.Remedy = "correct the webhook's output paths"
		}
		return nil, statusError(ae)
	}
	return &connectorv1.InvokeResponse{Exchange: ex, Outputs: out}, nil
}

// contentType is the Content-Type of a body of type t; JSON by default.
func contentType(t connectorv1.MessageType) string {
	switch t {
	case Form:
		return "application/x-www-form-urlencoded"
	case XML:
		return "application/xml"
	case Text:
		return "text/plain; charset=utf-8"
	}
	return "application/json"
}

func itoa(n int) string { return strconv.Itoa(n) }
