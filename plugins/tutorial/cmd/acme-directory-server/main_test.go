package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/plugins/tutorial/acmeapi"
)

// TestServesUntilCanceled starts the command on a free port, calls the API
// with the key it printed, and stops it.
func TestServesUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--listen", "127.0.0.1:0"}, pw); pw.Close() }()

	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url := strings.TrimSpace(strings.TrimPrefix(first, "Acme Directory test API at "))
	req, _ := http.NewRequest("GET", url+"/v1/tenants/"+acmeapi.DefaultTenant+"/me", nil)
	req.Header.Set("X-Acme-Key", acmeapi.DefaultAdminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("calling %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /me: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRefusesABadFlag(t *testing.T) {
	if err := run(context.Background(), []string{"--rate", "fast"}, io.Discard); err == nil {
		t.Error("a non-numeric --rate was accepted")
	}
}
