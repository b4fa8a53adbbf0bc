package outbound

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/secrets"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// A secret with a quote: inside a JSON body it appears escaped, a form the
// host knows and a connector does not.
const cutSecret = `k3y"with-quote-0123456789`

func jsonForm(s string) string {
	q, _ := json.Marshal(s)
	return string(q[1 : len(q)-1])
}

func responseOf(body []byte, full int64) *connectorv1.Exchange {
	return &connectorv1.Exchange{Response: &connectorv1.HTTPResponse{Status: 200, Body: body, BodyLength: full}}
}

func TestExchangeOfAWholeBodyFromAnOlderConnector(t *testing.T) {
	m := secrets.NewMasker()
	m.Add(cutSecret)
	form := jsonForm(cutSecret)
	// The secret straddles the host's cut; the connector sent everything.
	body := []byte(strings.Repeat("a", MaxRecordedBody-5) + form + strings.Repeat("b", 100<<10))
	_, resp := Exchange(responseOf(body, 0), m)
	if strings.Contains(resp.Body, form[:5]) {
		t.Fatalf("the cut leaves the start of the secret: …%s", resp.Body[len(resp.Body)-60:])
	}
	want := fmt.Sprintf("…[%d bytes in all; truncated]", len(body))
	if !strings.HasSuffix(resp.Body, want) || !strings.HasPrefix(resp.Body, strings.Repeat("a", MaxRecordedBody-5)) {
		t.Fatalf("body = …%s; want the first bytes and %q", resp.Body[len(resp.Body)-60:], want)
	}
}

func TestExchangeOfABodyTheConnectorCut(t *testing.T) {
	m := secrets.NewMasker()
	m.Add(cutSecret)
	const full = 790 << 10
	body := []byte(strings.Repeat("a", AskedBodyBytes))
	_, resp := Exchange(responseOf(body, full), m)
	want := fmt.Sprintf("%s…[%d bytes in all; truncated]", strings.Repeat("a", MaxRecordedBody), full)
	if resp.Body != want {
		t.Fatalf("body = …%s; want %d bytes kept and the app's full length %d", resp.Body[len(resp.Body)-60:], MaxRecordedBody, full)
	}

	// The connector cut inside a form of the secret it does not know, after
	// masks that made the part it sent shorter than the host keeps: the
	// tail that may start the secret is dropped, not shown.
	form := jsonForm(cutSecret)
	short := []byte(strings.Repeat("c", 5000) + form[:8])
	_, resp = Exchange(responseOf(short, full), m)
	if strings.Contains(resp.Body, form[:8]) || !strings.HasPrefix(resp.Body, strings.Repeat("c", 5000)+"…[") {
		t.Fatalf("a secret's start at the end of a cut body is shown: %q", resp.Body[len(resp.Body)-60:])
	}

	// A small answer the connector sent whole is kept as it is.
	_, resp = Exchange(responseOf([]byte(`{"id":"u1"}`), 0), m)
	if resp.Body != `{"id":"u1"}` {
		t.Fatalf("small body = %q", resp.Body)
	}
}
