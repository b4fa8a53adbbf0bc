package macro

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSegments(t *testing.T) {
	tpl, err := Parse(`Hello %ad.givenName%, 100%% done: %replace(ad.department, " ", "-")%`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range tpl.Segments {
		if s.Expr != nil {
			got = append(got, "<"+s.Expr.String()+">")
		} else {
			got = append(got, s.Text)
		}
	}
	want := []string{"Hello ", "<ad.givenName>", ", 100% done: ", `<replace(ad.department, " ", "-")>`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("segments = %q, want %q", got, want)
	}
	if m := tpl.Macros(); len(m) != 2 || m[1].Source != `%replace(ad.department, " ", "-")%` {
		t.Fatalf("macros = %+v", m)
	}
}

func TestParseNestedAndLiterals(t *testing.T) {
	tpl, err := Parse(`%lower(concat(substring(ad.givenName, 0, 1), ad.sn, "\"q\"\\\n\t\%"))%`)
	if err != nil {
		t.Fatal(err)
	}
	c := tpl.Segments[0].Expr.(*Call)
	inner := c.Args[0].(*Call)
	if inner.Name != "concat" || len(inner.Args) != 3 {
		t.Fatalf("inner = %s", inner)
	}
	sub := inner.Args[0].(*Call)
	if n := sub.Args[2].(*Lit); !n.Number || n.Int != 1 {
		t.Fatalf("number literal = %+v", n)
	}
	if l := inner.Args[2].(*Lit); l.Value != "\"q\"\\\n\t%" {
		t.Fatalf("string literal = %q", l.Value)
	}
	refs := tpl.Refs()
	if len(refs) != 2 || refs[0].String() != "ad.givenName" || refs[1].String() != "ad.sn" {
		t.Fatalf("refs = %v", refs)
	}
}

func TestParseNames(t *testing.T) {
	tpl := MustParse(`%steps.addUser.id% %ad.msDS-cloudExtensionAttribute1% %record.memberships[].status% %date(now, "yyyy")%`)
	refs := tpl.Refs()
	want := []struct{ ns, name string }{
		{"steps", "addUser.id"}, {"ad", "msDS-cloudExtensionAttribute1"}, {"record", "memberships[].status"}, {"", "now"},
	}
	for i, w := range want {
		if refs[i].Namespace != w.ns || refs[i].Name != w.name {
			t.Errorf("ref %d = %q/%q, want %q/%q", i, refs[i].Namespace, refs[i].Name, w.ns, w.name)
		}
	}
}

func TestParseConstant(t *testing.T) {
	tpl := MustParse("50%% off")
	if !tpl.IsConstant() {
		t.Fatal("template without macros should be constant")
	}
	out, err := tpl.Render(Env{}, Text)
	if err != nil || out != "50% off" {
		t.Fatalf("render = %q, %v", out, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		src      string
		line     int
		col      int
		contains string
	}{
		{"50% off", 1, 8, "write %% for a literal percent sign"},
		{"50%!", 1, 4, "unexpected"},
		{"%ad.mail", 1, 9, "expected % to close"},
		{"%%%", 1, 4, "not closed"},
		{"x\n  %lower(ad.mail%", 2, 17, "expected , or )"},
		{`%lower("abc)%`, 1, 8, "string is not closed"},
		{`%replace(ad.x, "\q", "")%`, 1, 18, `unknown escape \q`},
		{"%ad.%", 1, 5, "expected a name"},
		{"%lower(ad.mail ad.sn)%", 1, 16, "expected , or )"},
		{"%%%", 1, 4, "not closed"},
		{"a %% b %", 1, 9, "not closed"},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) err = %v, want *Error", c.src, err)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) not ErrSyntax", c.src)
		}
		if e.Pos.Line != c.line || e.Pos.Col != c.col || !strings.Contains(e.Msg, c.contains) {
			t.Errorf("Parse(%q) = %d:%d %q, want %d:%d containing %q", c.src, e.Pos.Line, e.Pos.Col, e.Msg, c.line, c.col, c.contains)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse of a broken template did not panic")
		}
	}()
	MustParse("%oops")
}

func TestNames(t *testing.T) {
	url := MustParse("/users/%steps.addUser.id%?mail=%lower(ad.mail)%")
	body := MustParse(`{"n": "%concat(ad.givenName, " ", ad.sn)%", "m": "%ad.Mail%"}`)
	got := Names(NamespaceAD, url, nil, body)
	if strings.Join(got, ",") != "mail,givenName,sn" {
		t.Fatalf("Names = %v", got)
	}
	if got := Names(NamespaceSteps, url, body); len(got) != 1 || got[0] != "addUser.id" {
		t.Fatalf("steps = %v", got)
	}
}
