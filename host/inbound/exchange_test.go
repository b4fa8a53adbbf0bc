package inbound

import (
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/secrets"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestTestExchangeNeverShowsASecretsStartAtTheCut(t *testing.T) {
	const key = "pk_live_0123456789abcdef"
	m := secrets.NewMasker()
	m.Add(key)
	s := &Service{cfg: Config{Masker: m}}
	page := func(body string, full int64) *connectorv1.Exchange {
		return &connectorv1.Exchange{Request: &connectorv1.HTTPRequest{Method: "GET", Url: "https://app.example/users"},
			Response: &connectorv1.HTTPResponse{Status: 200, Body: []byte(body), BodyLength: full}}
	}
	// A connector older than max_body_bytes sent the whole page; the key
	// straddles the shown length.
	whole := strings.Repeat("a", MaxBodyShown-6) + key + strings.Repeat("b", 4<<10)
	if got := s.exchange(page(whole, 0)).Body; got != strings.Repeat("a", MaxBodyShown-6) {
		t.Fatalf("whole page cut to %d bytes ending %q; want the bytes before the key", len(got), got[max(0, len(got)-20):])
	}
	// A connector that honours it sent the start only, ending in the key's
	// first characters (it did not know the key).
	cut := strings.Repeat("c", 3000) + key[:10]
	if got := s.exchange(page(cut, 1<<20)).Body; got != strings.Repeat("c", 3000) {
		t.Fatalf("cut page shown as %d bytes ending %q; want the bytes before the key's start", len(got), got[max(0, len(got)-20):])
	}
	if got := s.exchange(page(`{"users":[]}`, 0)).Body; got != `{"users":[]}` {
		t.Fatalf("small page = %q", got)
	}
}
