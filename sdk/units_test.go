package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestResolveURL(t *testing.T) {
	base, _ := url.Parse("https://api.example.com/api")
	s := Settings{"workspaceId": "a/b c", "x": "1"}
	cases := map[string]string{
		"/v1/workspaces/{WorkspaceID}/users":             "https://api.example.com/api/v1/workspaces/a%2Fb%20c/users",
		"v1/user?q={x}":                                  "https://api.example.com/api/v1/user?q=1",
		"https://API.example.com/other":                  "https://API.example.com/other",
		"/v1/{notASetting}":                              "https://api.example.com/api/v1/%7BnotASetting%7D",
		"/v1/workspaces/{workspaceId}/users?email=a+b@c": "https://api.example.com/api/v1/workspaces/a%2Fb%20c/users?email=a+b@c",
	}
	for in, want := range cases {
		u, err := resolveURL(base, in, s, nil)
		if err != nil || u.String() != want {
			t.Errorf("%s → %v %v, want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"https://evil.example.com/x", "//evil.example.com/x", "http://api.example.com/x"} {
		if _, err := resolveURL(base, bad, s, nil); !errors.Is(err, ErrForeignHost) {
			t.Errorf("%s: err=%v, want ErrForeignHost", bad, err)
		}
	}
	if _, err := resolveURL(base, "/v1/{x}", Settings{"x": ""}, nil); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("empty placeholder: %v, want ErrInvalidSettings", err)
	}
}

func TestOutputPaths(t *testing.T) {
	body := []byte(`{"id":"w1","users":[{"id":"u1","email":"a.b@x.io","m":[{"s":"INACTIVE"}]},{"id":"u2","email":"c@x.io","m":[{"s":"ACTIVE"}]}]}`)
	cases := map[string]any{
		"id":                          "w1",
		"users[].id":                  "u1",
		"users.1.id":                  "u2",
		"users[1].email":              "c@x.io",
		"users[email=c@x.io].id":      "u2",
		"users[email=a.b@x.io].m[].s": "INACTIVE",
		"users[].m[s=ACTIVE].s":       "ACTIVE",
	}
	for p, want := range cases {
		out, err := extractOutputs(body, []namedPath{{"v", p}})
		if err != nil || out.GetFields()["v"].AsInterface() != want {
			t.Errorf("%s → %v %v, want %v", p, out, err, want)
		}
	}
	if _, err := extractOutputs(body, []namedPath{{"v", "users[email=z@x.io].id"}}); !errors.Is(err, ErrOutputMissing) {
		t.Errorf("missing selector: %v", err)
	}
	if _, err := extractOutputs(body, []namedPath{{"v", "users[email"}}); !errors.Is(err, ErrBadDefinition) {
		t.Errorf("bad path: %v", err)
	}
}

func TestDecodeRecordsWrapsScalarsAndFollowsPath(t *testing.T) {
	var got []*structpb.Struct
	n, err := decodeRecords([]byte(`{"skip":{"x":[1,2]},"data":{"items":["a",{"id":"b"}]}}`), []string{"data", "items"},
		func(s *structpb.Struct) error { got = append(got, s); return nil })
	if err != nil || n != 2 || got[0].GetFields()["value"].GetStringValue() != "a" || got[1].GetFields()["id"].GetStringValue() != "b" {
		t.Fatalf("n=%d err=%v got=%v", n, err, got)
	}
	if _, err := decodeRecords([]byte(`{"data":5}`), []string{"data"}, nil); !errors.Is(err, errNotList) {
		t.Fatalf("not a list: %v", err)
	}
	if n, err := decodeRecords([]byte(`{"other":[]}`), []string{"data"}, nil); n != 0 || err != nil {
		t.Fatalf("missing path: n=%d err=%v, want no records", n, err)
	}
}

func TestValidateListsProblems(t *testing.T) {
	c := testConnector("https://api.example.com")
	c.Info.ID = "Bad ID"
	c.Settings[2].Secret = false
	c.Endpoints = append(c.Endpoints, c.Endpoints[0])
	c.Webhooks[0].Method = "FETCH"
	err := c.Validate()
	if !errors.Is(err, ErrBadDeclaration) {
		t.Fatalf("err=%v", err)
	}
	for _, want := range []string{"Info.ID", "must be declared Secret", `endpoint "list-users" is declared twice`, `method "FETCH"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := testConnector("https://api.example.com").Validate(); err != nil {
		t.Fatalf("valid declaration refused: %v", err)
	}
}

// The SDK declares BaseURL.Setting and RateLimit.Setting itself, so the
// budget's partition key is the one reference Validate can find missing.
func TestValidateRefusesAnUndeclaredRateLimitKey(t *testing.T) {
	c := testConnector("https://api.example.com")
	c.RateLimit.KeySetting = "tenant"
	c.RateLimit.Setting = "rate"
	c.BaseURL.Setting = "appUrl"
	err := c.Validate()
	if !errors.Is(err, ErrBadDeclaration) || !strings.Contains(err.Error(), `RateLimit refers to setting "tenant", which is not declared`) {
		t.Fatalf("err=%v, want the undeclared key setting named", err)
	}
	if strings.Contains(err.Error(), `"rate"`) || strings.Contains(err.Error(), "appUrl") {
		t.Fatalf("err=%v names a setting the SDK declares", err)
	}
}

func TestDescribe(t *testing.T) {
	c := testConnector("https://api.example.com/api")
	d := c.Describe()
	if d.GetProtocolVersion() != 1 || d.GetInfo().GetId() != "testapp" || len(d.GetEndpoints()) != 1 || len(d.GetWebhooks()) != 2 {
		t.Fatalf("describe = %v", d)
	}
	if !d.GetSettings()[2].GetSecret() || d.GetEndpoints()[0].GetPaging().GetKind() != PageNumber {
		t.Fatal("secret flag or paging lost")
	}
	if d.GetWebhooks()[1].GetMessageType() != JSON || d.GetRateLimit().GetRequestsPerSecond() != 1000 {
		t.Fatal("message type or rate limit lost")
	}
}

func TestErrorFromStatusWithoutDetails(t *testing.T) {
	if ErrorFromStatus(nil) != nil {
		t.Fatal("nil error must give nil")
	}
	ae := ErrorFromStatus(errors.New("transport is closing"))
	if ae.GetKind() != connectorv1.ErrorKind_ERROR_KIND_INTERNAL {
		t.Fatalf("plain error → %v", ae)
	}
}

func TestValidateChecksVerifyDeclarations(t *testing.T) {
	lookup := Webhook{ID: "find-member", Method: "GET", URL: "/users", Query: []KV{{Name: "email", Value: "%email%"}}, Idempotent: true}
	add := Webhook{ID: "invite-member", Method: "POST", URL: "/users", Body: `{"email":"%email%"}`}
	cases := map[string]struct {
		verify *Verify
		lookup Webhook
		want   string
	}{
		"valid":          {&Verify{Webhook: "find-member"}, lookup, ""},
		"mapped input":   {&Verify{Webhook: "find-member", Inputs: map[string]string{"email": "mail"}}, lookup, `input "email" has no input`},
		"unknown lookup": {&Verify{Webhook: "find-someone"}, lookup, `"find-someone", which is not a webhook`},
		"unsafe lookup":  {&Verify{Webhook: "find-member"}, func() Webhook { l := lookup; l.Idempotent = false; return l }(), "not idempotent"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := testConnector("https://api.example.com")
			w := add
			w.Verify = tc.verify
			c.Webhooks = append(c.Webhooks, w, tc.lookup)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid verify refused: %v", err)
				}
				spec := w.proto()
				if spec.GetVerify().GetWebhook() != "find-member" {
					t.Fatalf("Describe carries verify %v", spec.GetVerify())
				}
				return
			}
			if !errors.Is(err, ErrBadDeclaration) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want a refusal mentioning %q", err, tc.want)
			}
		})
	}
}

// TestNamedOutputsStepOverTheRest: an output named by fields only is read
// without decoding the rest of the answer, with the same values as the
// full decoding and the same errors where it is missing or the answer is
// not JSON.
func TestNamedOutputsStepOverTheRest(t *testing.T) {
	var big strings.Builder
	big.WriteString(`{"memberships": [`)
	for i := range 2000 {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"userId": "u%d", "status": "ACTIVE", "rate": {"amount": %d}}`, i, i)
	}
	big.WriteString(`], "id": "ws-1", "settings": {"plan": {"seats": 25, "tags": ["a", "é"]}}}`)
	body := []byte(big.String())
	got, err := extractOutputs(body, []namedPath{{"workspaceId", "id"}, {"seats", "settings.plan.seats"}, {"plan", "settings.plan"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := structpb.NewStruct(map[string]any{"workspaceId": "ws-1", "seats": 25.0,
		"plan": map[string]any{"seats": 25.0, "tags": []any{"a", "é"}}})
	if !proto.Equal(got, want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	for _, c := range []struct{ body, path string }{
		{`{"id": "x"}`, "name"},
		{`{"id": {"name": 1}}`, "id.other"},
		{`not json`, "id"},
		{`[{"id": "x"}]`, "id"},
	} {
		if _, err := extractOutputs([]byte(c.body), []namedPath{{"v", c.path}}); !errors.Is(err, ErrOutputMissing) {
			t.Errorf("%s at %q: %v; want ErrOutputMissing", c.body, c.path, err)
		}
	}
}

// BenchmarkOutputOfALargeAnswer reads the one field after 5,000
// memberships, as Clockify's add-user answers for a workspace that size:
// stepping over the rest, and, for comparison, decoding all of it as
// outputs were read before.
func BenchmarkOutputOfALargeAnswer(b *testing.B) {
	var big strings.Builder
	big.WriteString(`{"memberships": [`)
	for i := range 5000 {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"userId": "%024d", "hourlyRate": null, "costRate": null, "targetId": "ws-1", "membershipType": "WORKSPACE", "membershipStatus": "ACTIVE"}`, i)
	}
	big.WriteString(`], "id": "ws-1"}`)
	body := []byte(big.String())
	b.Run("stepping-over", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := extractOutputs(body, []namedPath{{"workspaceId", "id"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoding-all", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var doc any
			if err := json.Unmarshal(body, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
