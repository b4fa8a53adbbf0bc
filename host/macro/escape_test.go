package macro

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
)

var hostile = Env{Object: "CN=Eve", Values: Data{"ad": {
	"x":    {`a", "admin": true, "b": "`},
	"path": {"../../admin?x=1#f"},
	"q":    {"a&b=c d+e"},
	"xml":  {`</name><admin>true</admin>"'&`},
	"crlf": {"ok\r\nX-Evil: 1"},
	"n":    {"42"},
	"b":    {"true"},
	"nn":   {"1e5, 2"},
}}}

func TestEscapeJSONCannotInject(t *testing.T) {
	tpl := MustParse(`{"name": "%ad.x%", "raw": %ad.x%, "n": %ad.n%, "s": "say \"%ad.n%\"", "b": %ad.b%, "nn": %ad.nn%}`)
	out, err := tpl.Render(hostile, JSON)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("rendered JSON is invalid: %v\n%s", err, out)
	}
	if len(got) != 6 || got["name"] != hostile.Values.(Data)["ad"]["x"][0] || got["raw"] != got["name"] {
		t.Fatalf("value escaped its string: %v", got)
	}
	if got["n"] != float64(42) || got["b"] != true || got["s"] != `say "42"` {
		t.Fatalf("got %v; a number or boolean outside a string stays one", got)
	}
	if got["nn"] != "1e5, 2" {
		t.Fatalf("nn = %v; a value that is not exactly a number must become a string", got["nn"])
	}
}

func TestEscapeURLContexts(t *testing.T) {
	out, err := MustParse("https://api.example.com/users/%ad.path%/x?email=%ad.q%&p=%ad.path%").Render(hostile, URL)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/users/../../admin?x=1#f/x" || u.RawPath == "" {
		t.Errorf("path = %q (raw %q): the value must stay one segment", u.Path, u.RawPath)
	}
	q := u.Query()
	if q.Get("email") != "a&b=c d+e" || q.Get("p") != "../../admin?x=1#f" || len(q) != 2 {
		t.Errorf("query = %v", q)
	}
	seg, _ := MustParse("%ad.path%").Render(hostile, PathSegment)
	if seg != "..%2F..%2Fadmin%3Fx=1%23f" {
		t.Errorf("path segment = %q", seg)
	}
	form, _ := MustParse("a=%ad.q%").Render(hostile, Form)
	if v, _ := url.ParseQuery(form); v.Get("a") != "a&b=c d+e" || len(v) != 1 {
		t.Errorf("form = %q", form)
	}
	qv, _ := MustParse("%ad.q%").Render(hostile, QueryValue)
	if qv != "a%26b%3Dc+d%2Be" {
		t.Errorf("query value = %q", qv)
	}
}

func TestEscapeXMLAndText(t *testing.T) {
	out, _ := MustParse("<name>%ad.xml%</name>").Render(hostile, XML)
	if out != "<name>&lt;/name&gt;&lt;admin&gt;true&lt;/admin&gt;&#34;&#39;&amp;</name>" {
		t.Errorf("xml = %q", out)
	}
	txt, _ := MustParse("%ad.xml%").Render(hostile, Text)
	if txt != hostile.Values.(Data)["ad"]["xml"][0] {
		t.Errorf("text must be unchanged, got %q", txt)
	}
}

func TestEscapeHeaderRefusesLineBreaks(t *testing.T) {
	_, err := MustParse("Bearer %ad.crlf%").Render(hostile, Header)
	if !errors.Is(err, ErrUnsafeValue) {
		t.Fatalf("err = %v, want ErrUnsafeValue", err)
	}
	var re *RenderError
	if !errors.As(err, &re) || re.Macro != "%ad.crlf%" || re.Object != "CN=Eve" {
		t.Fatalf("error does not name macro and object: %v", err)
	}
	ok, err := MustParse("v=%ad.n%").Render(hostile, Header)
	if err != nil || ok != "v=42" {
		t.Fatalf("header = %q, %v", ok, err)
	}
}

func TestContextFor(t *testing.T) {
	for in, want := range map[string]Context{"json": JSON, "FORM": Form, "xml": XML, "text": Text, "": Text} {
		if got, err := ContextFor(in); err != nil || got != want {
			t.Errorf("ContextFor(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ContextFor("yaml"); err == nil {
		t.Error("ContextFor(yaml) should fail")
	}
	if JSON.String() != "JSON" || Context(99).String() != "context(99)" {
		t.Error("context names")
	}
}
