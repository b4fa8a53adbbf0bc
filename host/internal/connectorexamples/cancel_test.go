package connectorexamples_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TestCancelledFetchAbortsTheRequestInFlight cancels a Fetch while the
// app is still answering its first page and expects each connector to
// drop that request at once, as the protocol asks, rather than hold the
// app until its own timeout.
func TestCancelledFetchAbortsTheRequestInFlight(t *testing.T) {
	for _, c := range connectors {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := interpreted(t, c)
			arrived, dropped, stop := make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{})
			app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				select {
				case <-r.Context().Done():
					dropped <- struct{}{}
				case <-stop:
				}
			}))
			t.Cleanup(func() { close(stop); app.Close() })

			sup := pluginhost.NewSupervisor(pluginhost.Config{StartTimeout: 30 * time.Second})
			t.Cleanup(func() { _ = sup.Shutdown(context.Background()) })
			h, err := sup.Add("cancel", p)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				st, err := h.Fetch(ctx, &connectorv1.FetchRequest{
					Settings: map[string]string{"tenant": "acme", "baseUrl": app.URL, "apiKey": "k-123456"},
					Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
				})
				if err == nil {
					_, err = st.Recv()
				}
				done <- err
			}()
			// Generous deadlines: they only stop a broken connector from
			// hanging the suite.
			select {
			case <-arrived:
			case err := <-done:
				t.Fatalf("the fetch ended before the app answered: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("the connector never called the app")
			}
			cancel()
			select {
			case <-dropped:
			case <-time.After(10 * time.Second):
				t.Fatal("the connector kept the app's request open after the call was cancelled")
			}
			if err := <-done; err == nil {
				t.Fatal("a cancelled fetch succeeded")
			}
		})
	}
}
