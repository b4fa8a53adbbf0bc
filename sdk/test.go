package sdk

import (
	"context"
	"fmt"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// CheckStatus is the outcome of one test check.
type CheckStatus = connectorv1.CheckStatus

// Check outcomes, re-exported for hooks.
const (
	CheckOK      = connectorv1.CheckStatus_CHECK_STATUS_OK
	CheckFailed  = connectorv1.CheckStatus_CHECK_STATUS_FAILED
	CheckWarning = connectorv1.CheckStatus_CHECK_STATUS_WARNING
	CheckSkipped = connectorv1.CheckStatus_CHECK_STATUS_SKIPPED
)

// Check is one item of a connection test, in words an admin understands.
type Check struct {
	// ID is stable, e.g. "credentials", "workspace", "read-users".
	ID      string
	Name    string
	Status  CheckStatus
	Message string
	// Remedy says what to do about a failure or warning.
	Remedy string
}

// TestReport is what a TestHook found.
type TestReport struct {
	// Account is who the credentials belong to, e.g. an e-mail address.
	Account string
	Checks  []Check
}

// Test checks the integration's settings, then runs the connector's
// TestCall or TestHook (or fetches one page of the first endpoint). Problems are
// reported as failed checks, not errors: an error means the test itself
// could not run.
func (s *server) Test(ctx context.Context, req *connectorv1.TestRequest) (*connectorv1.TestResponse, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	e, err := s.newEnv(ctx, req.GetSettings())
	if err != nil {
		ae := appErrorOf(err)
		s.remedy(ae)
		return report(&TestReport{Checks: []Check{{
			ID: "settings", Name: "Settings", Status: CheckFailed, Message: ae.GetMessage(), Remedy: ae.GetRemedy(),
		}}}), nil
	}
	var rep *TestReport
	if s.c.Test != nil {
		rep = s.c.Test.run(ctx, &Client{e: e}, s.credentialLabel())
	} else if s.c.TestHook != nil {
		rep, err = s.c.TestHook(ctx, &Client{e: e})
		if err != nil {
			return nil, e.fail(nil, err)
		}
	} else {
		rep = s.defaultTest(ctx, e)
	}
	rep.Checks = append([]Check{{ID: "settings", Name: "Settings", Status: CheckOK, Message: "all required settings are present and well formed"}}, rep.Checks...)
	for i := range rep.Checks {
		rep.Checks[i].Message = e.mask.str(rep.Checks[i].Message)
	}
	return report(rep), nil
}

// defaultTest fetches one page of the first endpoint: it proves the base
// URL, the credentials and read access at once.
func (s *server) defaultTest(ctx context.Context, e *env) *TestReport {
	if len(s.c.Endpoints) == 0 {
		return &TestReport{Checks: []Check{{ID: "credentials", Name: "Credentials", Status: CheckSkipped,
			Message: "the connector declares no endpoint to test with"}}}
	}
	ep := s.c.Endpoints[0]
	pg := newPager(ep.Paging)
	_, err := e.do(ctx, call{method: ep.method(), url: ep.URL, query: ep.Query, headers: ep.Headers, idempotent: true}, pg.params())
	if err != nil {
		ae := appErrorOf(err)
		s.remedy(ae)
		return &TestReport{Checks: []Check{{ID: "credentials", Name: "Read " + ep.Name, Status: CheckFailed,
			Message: ae.GetMessage(), Remedy: ae.GetRemedy()}}}
	}
	return &TestReport{Checks: []Check{{ID: "credentials", Name: "Read " + ep.Name, Status: CheckOK,
		Message: fmt.Sprintf("fetched the first page of %s", ep.Name)}}}
}

// report converts a TestReport; ok means nothing failed.
func report(r *TestReport) *connectorv1.TestResponse {
	resp := &connectorv1.TestResponse{Ok: true, Account: r.Account}
	for _, c := range r.Checks {
		if c.Status == CheckFailed {
			resp.Ok = false
		}
		resp.Checks = append(resp.Checks, &connectorv1.Check{
			Id: c.ID, Name: c.Name, Status: c.Status, Message: c.Message, Remedy: c.Remedy,
		})
	}
	return resp
}

// credentialLabel is the label admins know the credential by, "" when the
// Auth is not described.
func (s *server) credentialLabel() string {
	if a, ok := s.c.Auth.(describedAuth); ok {
		return a.label
	}
	return ""
}
