package api_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

// TestServerCutsOffATrickledBody sends the headers of a request and part
// of its body, then nothing: the server must give up on it and close
// the connection after its read timeout, instead of holding it open for
// as long as the client likes. The short timeout is the server's; the
// test only waits, with a generous safety net, for the connection to
// end.
func TestServerCutsOffATrickledBody(t *testing.T) {
	tokens := api.NewTokens(store.NewMemoryDocs())
	secret, _, err := tokens.Create(context.Background(), "admin", api.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Options{Auth: tokens, Timeouts: api.Timeouts{Read: 300 * time.Millisecond}})
	if err := srv.Register(api.Route{Method: "POST", Pattern: "/v1/things", MinRole: api.RoleAdmin, Summary: "Take a thing",
		Request: map[string]any{}, Handler: func(c *api.Call) (any, error) {
			var v map[string]any
			return nil, c.Decode(&v)
		}}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	defer func() { cancel(); <-done }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /v1/things HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+secret+
		"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":")
	if err != nil {
		t.Fatal(err)
	}
	// The safety net only: the server's timeout is far shorter.
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the server still held the trickled request after a minute")
		}
		return // closed without an answer: cut off
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("a trickled body answered %d %s; want a 4xx and the connection closed", resp.StatusCode, body)
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("the connection stayed open after the trickled request: %v", err)
	}
}

// TestDefaultTimeoutsBoundEveryPhase keeps each of the server's timeouts
// set: a zero would let a slow client hold a connection forever.
func TestDefaultTimeoutsBoundEveryPhase(t *testing.T) {
	d := api.DefaultTimeouts
	for name, v := range map[string]time.Duration{"ReadHeader": d.ReadHeader, "Read": d.Read, "Write": d.Write, "Idle": d.Idle} {
		if v <= 0 {
			t.Errorf("DefaultTimeouts.%s is %v; every phase needs a bound", name, v)
		}
	}
	if d.Read >= 40*time.Second {
		t.Errorf("DefaultTimeouts.Read is %v; a trickled JSON body must be cut off well before 40 s", d.Read)
	}
}
