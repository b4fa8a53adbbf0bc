package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

// API is what the console needs of the API server: its handler, through
// which every call is dispatched, and its route table, from which pages
// learn what exists and who may do it. *api.Server implements it.
type API interface {
	http.Handler
	Routes() []api.Route
}

// maxAnswer bounds an API answer the console buffers for one page; lists
// bigger than this belong to the CLI's --output json.
const maxAnswer = 32 << 20

// answer is one API call's outcome as a page sees it.
type answer struct {
	// Status is the HTTP status the API answered.
	Status int
	// Body is the raw JSON answer (empty for 204).
	Body []byte
	// Err is the API's error message, set when Status is not 2xx.
	Err string
	// Code is the API's stable error code, e.g. "forbidden".
	Code string
	// Fields are the API's problems with single input fields.
	Fields []api.FieldError
}

// ok reports a 2xx answer.
func (a answer) ok() bool { return a.Status >= 200 && a.Status < 300 }

// decode reads the answer's JSON into v.
func (a answer) decode(v any) error {
	if len(a.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		return fmt.Errorf("read the API's answer: %w", err)
	}
	return nil
}

// value decodes the answer into generic JSON values, keeping numbers as
// written.
func (a answer) value() any { return jsonValue(a.Body) }

// jsonValue decodes raw JSON (an answer, an audited before or after) for
// a page, keeping numbers as written; nil when there is none.
func jsonValue(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return string(raw)
	}
	return v
}

// dispatcher calls the API in-process as the session's principal, through
// the typed client's in-process transport (decision 0266).
type dispatcher struct {
	api API
}

// client is the typed API client acting for token, in process. The
// browser's request from is passed on, so the audit log records where a
// change came from.
func (d dispatcher) client(from *http.Request, token string) *apiclient.Client {
	return apiclient.New("", token, apiclient.Handler{Handler: d.api, From: from, MaxBody: maxAnswer})
}

// client is the typed API client acting for the session, in process.
func (c *Console) client(r *http.Request, s *session) *apiclient.Client {
	return c.api.client(r, s.token)
}

// call runs one API request to route, with the path arguments args and
// the JSON body in (nil for none), with the session's token, and returns
// its answer as pages draw it.
func (d dispatcher) call(ctx context.Context, from *http.Request, token string, route apiclient.Route, args []string, in any, opts ...apiclient.Option) answer {
	resp, err := d.client(from, token).Send(ctx, route, args, in, opts...)
	return answerOf(resp, err)
}

// raw runs one request to an already filled path, for the generic pages
// that offer whatever routes the table holds.
func (d dispatcher) raw(ctx context.Context, from *http.Request, token, method, path string, body io.Reader, contentType string) answer {
	var opts []apiclient.Option
	if body != nil {
		opts = append(opts, apiclient.Body(body, contentType))
	}
	resp, err := d.client(from, token).SendPath(ctx, method, path, nil, opts...)
	return answerOf(resp, err)
}

// typed turns the outcome of one of the typed client's methods into its
// value and the answer pages draw refusals and flashes from (the value
// re-encoded, for a result shown whole).
func typed[T any](v T, err error) (T, answer) {
	if err != nil {
		return v, answerOf(nil, err)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return v, answer{Status: http.StatusOK}
	}
	return v, answer{Status: http.StatusOK, Body: body}
}

// done is typed for the methods of routes that answer no content.
func done(err error) answer {
	if err != nil {
		return answerOf(nil, err)
	}
	return answer{Status: http.StatusNoContent}
}

// answerOf reads a call's outcome into an answer.
func answerOf(resp *http.Response, err error) answer {
	var ae *apiclient.Error
	switch {
	case err == nil:
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return answer{Status: http.StatusBadGateway, Code: "bad_answer", Err: err.Error()}
		}
		return answer{Status: resp.StatusCode, Body: body}
	case errors.As(err, &ae):
		return answer{Status: ae.Status, Body: ae.Body, Err: ae.Message, Code: ae.Code, Fields: ae.Fields}
	case errors.Is(err, apiclient.ErrTooLarge):
		return answer{Status: http.StatusInsufficientStorage, Code: "too_large",
			Err: fmt.Sprintf("the answer is larger than %d MiB, too large to show here: narrow the list with the page's filters", maxAnswer>>20)}
	}
	return answer{Status: http.StatusBadRequest, Code: "invalid_request", Err: err.Error()}
}
