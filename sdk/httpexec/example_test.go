package httpexec_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/idbridge/idbridge/sdk/httpexec"
)

// An executor retries a 503 and returns the final answer with the number of
// attempts it took.
func ExampleExecutor_Do() {
	calls := 0
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `[{"id":"1"}]`)
	}))
	defer app.Close()

	e := httpexec.New(httpexec.Options{Limit: httpexec.Limit{PerSecond: 50, Burst: 5}})
	resp, err := e.Do(context.Background(), &httpexec.Request{Method: "GET", URL: app.URL + "/v1/users", LimitKey: "workspace-1"})
	if err != nil {
		fmt.Println("failed:", err)
		return
	}
	fmt.Println(resp.Status, resp.Attempts, string(resp.Body))
	// Output: 200 2 [{"id":"1"}]
}
