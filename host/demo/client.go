package demo

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/host/apiclient"
)

// newClient is the demo's admin client of the host's REST API: the same
// typed client the CLI and the console use (decision 0265), so the demo
// shows what any API client can do.
func newClient(base, token string, hc *http.Client) *apiclient.Client {
	c := apiclient.New(base, token, hc)
	c.UserAgent = "idbridge-demo"
	c.WrapError = demoError
	return c
}

// demoError names the call that failed in the demo's report.
func demoError(err error) error {
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		return fmt.Errorf("%s %s: %d: %s", ae.Method, ae.Path, ae.Status, ae.Message)
	}
	return err
}
