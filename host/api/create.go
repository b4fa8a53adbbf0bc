package api

import "context"

// CreateHandler serves a route that makes one thing from its JSON body:
// the body is decoded into an In, create makes the thing, the audit entry
// records it as the change and the answer is 201 Created with it. mapErr
// turns the domain's errors into API errors (a package's apiError); errors
// it passes through go to ErrorFor. The route declares
// Status: http.StatusCreated so that the document promises 201 too.
func CreateHandler[In, Out any](create func(ctx context.Context, in In) (Out, error), mapErr func(error) error) Handler {
	return func(c *Call) (any, error) {
		var in In
		if err := c.Decode(&in); err != nil {
			return nil, err
		}
		out, err := create(c.Context(), in)
		if err != nil {
			return nil, mapErr(err)
		}
		c.AuditChange(nil, out)
		return Created(out), nil
	}
}
