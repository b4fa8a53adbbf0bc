package sdk

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// bigAnswer is an app's answer of about 200 KB whose "id" comes last, with
// the API key echoed so that it straddles byte cutAt of the answer.
func bigAnswer(cutAt int) string {
	head := `{"members":"`
	pad := strings.Repeat("m", cutAt-len(head)-len(testKey)/2)
	return head + pad + testKey + strings.Repeat("n", 200<<10) + `","id":"new1"}`
}

func TestInvokeSendsOnlyTheBodyBytesTheHostKeeps(t *testing.T) {
	const limit = 1000
	answer := bigAnswer(limit)
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(answer))
	})
	cl := dial(t, testConnector(base))
	reqBody := `{"email":"a@x.io","pad":"` + strings.Repeat("p", 3000) + `"}`
	invoke := func(maxBody int32) *connectorv1.InvokeResponse {
		t.Helper()
		resp, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
			Settings: testSettings(base), WebhookId: "add-user", MaxBodyBytes: maxBody,
			Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users",
				MessageType: JSON, Body: []byte(reqBody)},
		})
		if err != nil {
			t.Fatal(err)
		}
		// The output comes from the end of the answer: it is read from the
		// whole answer, not from what is sent to the host.
		if got := resp.GetOutputs().GetFields()["id"].GetStringValue(); got != "new1" {
			t.Fatalf("max_body_bytes %d: output id = %q, want new1", maxBody, got)
		}
		return resp
	}

	cut := invoke(limit).GetExchange()
	rb := cut.GetResponse().GetBody()
	if len(rb) > limit || cut.GetResponse().GetBodyLength() != int64(len(answer)) {
		t.Fatalf("cut answer: %d bytes sent, length %d; want at most %d and %d",
			len(rb), cut.GetResponse().GetBodyLength(), limit, len(answer))
	}
	// The key straddles the limit: the cut moves before it, and no first
	// half of the key is left behind.
	if keyHalf := testKey[:len(testKey)/2]; strings.Contains(string(rb), keyHalf) || !strings.HasPrefix(answer, string(rb)) {
		t.Fatalf("the cut answer shows part of the key or is not the answer's start: …%s", rb[max(0, len(rb)-40):])
	}
	if q := cut.GetRequest(); len(q.GetBody()) != limit || q.GetBodyLength() != int64(len(reqBody)) {
		t.Fatalf("cut request: %d bytes sent, length %d; want %d and %d", len(q.GetBody()), q.GetBodyLength(), limit, len(reqBody))
	}

	// A host that does not send max_body_bytes gets the whole bodies, and
	// no length.
	whole := invoke(0).GetExchange()
	if got := whole.GetResponse(); len(got.GetBody()) != len(answer)-len(testKey)+len(Mask) || got.GetBodyLength() != 0 {
		t.Fatalf("whole answer: %d bytes, length %d; want %d masked bytes and 0",
			len(got.GetBody()), got.GetBodyLength(), len(answer)-len(testKey)+len(Mask))
	}
	if string(whole.GetRequest().GetBody()) != reqBody || whole.GetRequest().GetBodyLength() != 0 {
		t.Fatal("whole request: the body must come back whole, without a length")
	}
}

// BenchmarkInvokeLargeAnswer sends add-user calls whose answer is a
// workspace of 5,000 members (about 790 KB, as Clockify answers) and
// reports the connector's and the caller's CPU together per call, with
// the whole answer in the exchange (a host older than max_body_bytes) and
// with only what the host keeps.
func BenchmarkInvokeLargeAnswer(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"id":"ws1","memberships":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"userId":"%024x","hourlyRate":null,"costRate":null,"targetId":"ws1","membershipType":"WORKSPACE","membershipStatus":"ACTIVE"}`, i)
	}
	sb.WriteString(`]}`)
	answer := []byte(sb.String())
	base := app(b, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(answer) })
	cl := dial(b, testConnector(base))
	for _, c := range []struct {
		name    string
		maxBody int32
	}{{"whole", 0}, {"kept_only", 12 << 10}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
					Settings: testSettings(base), WebhookId: "add-user", MaxBodyBytes: c.maxBody,
					Outputs: []*connectorv1.OutputSpec{{Name: "id", Path: "id"}},
					Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users",
						MessageType: JSON, Body: []byte(`{"email":"a@x.io"}`)},
				})
				if err != nil {
					b.Fatal(err)
				}
				_ = resp
			}
			b.ReportMetric(float64(len(answer)), "answer_bytes")
		})
	}
}

func TestRefusedCallAndFetchPageSendOnlyTheKeptBytes(t *testing.T) {
	const limit = 500
	big := `[{"id":"u1","note":"` + strings.Repeat("x", 50<<10) + `"}]`
	base := app(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
		}
		_, _ = w.Write([]byte(big))
	})
	cl := dial(t, testConnector(base))

	// A refused call: the exchange in the error is cut like a success's.
	_, err := cl.Invoke(context.Background(), &connectorv1.InvokeRequest{
		Settings: testSettings(base), WebhookId: "add-user", MaxBodyBytes: limit,
		Call: &connectorv1.RenderedCall{Method: "POST", Url: "/v1/workspaces/{WorkspaceID}/users", MessageType: JSON, Body: []byte(`{}`)},
	})
	ae := ErrorFromStatus(err)
	if r := ae.GetExchange().GetResponse(); r.GetStatus() != 400 || len(r.GetBody()) != limit || r.GetBodyLength() != int64(len(big)) {
		t.Fatalf("refused call's answer: status %d, %d bytes, length %d; want 400, %d and %d",
			r.GetStatus(), len(r.GetBody()), r.GetBodyLength(), limit, len(big))
	}

	// A test-and-save fetch: the page's exchange is cut, its records are whole.
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), MaxPages: 1, IncludeExchange: true,
		MaxBodyBytes: limit, Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := msgs[0].GetExchange().GetResponse(); len(r.GetBody()) != limit || r.GetBodyLength() != int64(len(big)) {
		t.Fatalf("fetch page's answer: %d bytes, length %d; want %d and %d", len(r.GetBody()), r.GetBodyLength(), limit, len(big))
	}
	recs := msgs[0].GetRecords()
	if len(recs) != 1 || len(recs[0].GetFields()["note"].GetStringValue()) != 50<<10 {
		t.Fatalf("records = %d; want the one record whole", len(recs))
	}
}
