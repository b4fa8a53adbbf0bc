package outbound

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/macro"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

var testScope = macro.NewScope(macro.AD("mail", "department", "displayName"), macro.Object(), macro.Integration("workspaceId"))

func custom() Webhook {
	return Webhook{ID: "tag-user", Integration: "crm", Name: "Tag user", Method: "post",
		URL:         "/v1/ws/%integration.workspaceId%/users/%userId%/tags",
		Headers:     []KV{{Name: "X-Department", Value: "%ad.department%"}},
		Query:       []KV{{Name: "note", Value: "%ad.displayName%"}},
		MessageType: MessageJSON,
		Body:        `{"email":"%ad.mail%","tag":%ad.department%}`,
		Outputs:     []Output{{Name: "tagId", Path: "[email=%ad.mail%].id"}},
	}
}

func TestCompileFindsInputsAndRendersWithEscapingByPlace(t *testing.T) {
	c, err := Compile(custom(), testScope)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Inputs(); len(got) != 1 || got[0] != "userId" {
		t.Fatalf("inputs = %v, want [userId]", got)
	}
	b, err := c.Bind(map[string]string{"userId": "%object.id%"}, testScope)
	if err != nil {
		t.Fatal(err)
	}
	data := macro.Data{
		"ad":          {"mail": {`eve@corp.example", "admin": true, "x":"`}, "department": {"R&D / Labs"}, "displayName": {"Eve & Co"}},
		"object":      {"id": {"../../admin"}},
		"integration": {"workspaceId": {"ws1"}},
	}
	call, err := c.Render(b, data, "CN=Eve", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rc := call.Request.GetCall()
	if rc.GetMethod() != "POST" || rc.GetMessageType() != connectorv1.MessageType_MESSAGE_TYPE_JSON {
		t.Errorf("method %s type %s", rc.GetMethod(), rc.GetMessageType())
	}
	if strings.Contains(rc.GetUrl(), "../") || !strings.Contains(rc.GetUrl(), "/v1/ws/ws1/users/") {
		t.Errorf("the id was not escaped as a path segment: %s", rc.GetUrl())
	}
	var body map[string]any
	if err := json.Unmarshal(rc.GetBody(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rc.GetBody())
	}
	if len(body) != 2 || body["tag"] != "R&D / Labs" || body["email"] != data["ad"]["mail"][0] {
		t.Errorf("a value changed the JSON body's shape: %v", body)
	}
	if rc.GetQuery()[0].GetValue() != "Eve & Co" {
		t.Errorf("query values go to the connector unencoded, got %q", rc.GetQuery()[0].GetValue())
	}
	if call.Request.GetWebhookId() != "" {
		t.Error("a custom webhook must not carry a preconfigured id")
	}
	if got := call.Request.GetMaxBodyBytes(); got != AskedBodyBytes || got <= MaxRecordedBody {
		t.Errorf("max_body_bytes = %d; want the host's %d, more than the %d it keeps", got, AskedBodyBytes, MaxRecordedBody)
	}
	if p := call.Request.GetOutputs()[0].GetPath(); !strings.HasPrefix(p, "[email=eve@corp.example") {
		t.Errorf("output path not rendered: %s", p)
	}
}

func TestRenderRefusesMissingValuesNamingMacroAndObject(t *testing.T) {
	c, err := Compile(custom(), testScope)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Bind(map[string]string{"userId": "%object.id%"}, testScope)
	data := macro.Data{"ad": {"mail": {"a@b.c"}, "displayName": {"A"}}, "object": {"id": {"1"}}, "integration": {"workspaceId": {"w"}}}
	_, err = c.Render(b, data, "CN=Ann,OU=Staff", time.Now())
	var re *macro.RenderError
	if !errors.As(err, &re) || !errors.Is(err, macro.ErrMissingValue) {
		t.Fatalf("err = %v, want a missing-value RenderError", err)
	}
	if !strings.Contains(err.Error(), "%ad.department%") || !strings.Contains(err.Error(), "CN=Ann,OU=Staff") {
		t.Errorf("error %q does not name the macro and the object", err)
	}
	data["ad"]["department"] = []string{"  "}
	if _, err := c.Render(b, data, "CN=Ann", time.Now()); !errors.Is(err, macro.ErrMissingValue) {
		t.Errorf("a blank value was sent instead of failing: %v", err)
	}
}

func TestCompileRefusesUnknownMacrosAndBadFields(t *testing.T) {
	w := custom()
	w.Body = `{"email":"%ad.mial%"}`
	w.Headers = append(w.Headers, KV{Name: "X", Value: "%shout(ad.mail)%"})
	_, err := Compile(w, testScope)
	var inv *InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("err = %v, want *InvalidError", err)
	}
	// Each problem names the form's field by its label, with the line
	// and column in words. See decision 0229.
	for _, want := range []string{"Body, line 1, column 12: unknown macro %ad.mial%", "— did you mean %ad.mail%?", "Header X, line 1, column 2: unknown function shout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	w = custom()
	w.ID, w.Method, w.MessageType = "Bad Id", "FETCH", "yaml"
	w.Outputs = append(w.Outputs, Output{Name: "tagId"})
	_, err = Compile(w, testScope)
	for _, want := range []string{"ID", "Method", "Message type", "declared twice"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
}

func TestBindChecksInputs(t *testing.T) {
	c, err := Compile(custom(), testScope)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Bind(map[string]string{"user": "%object.id%"}, testScope)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), `"userId"`) || !strings.Contains(err.Error(), `"user"`) {
		t.Errorf("err = %v; want it to name the unbound and the unknown input", err)
	}
	_, err = c.Bind(map[string]string{"userId": "%steps.add.id%"}, testScope)
	if !errors.Is(err, macro.ErrUnknownMacro) {
		t.Errorf("a binding to an undeclared step output was accepted: %v", err)
	}
}
