package compat

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestProtocolKeepsTheReleasedContract is the CI check: the protocol in
// this checkout against the last released one.
func TestProtocolKeepsTheReleasedContract(t *testing.T) {
	root := filepath.Join("..", "..")
	if err := Check(context.Background(), root, []string{"connector/v1/connector.proto"}); err != nil {
		t.Fatal(err)
	}
}

const base = `syntax = "proto3";
package demo.v1;
message User {
  string id = 1;
  string email = 2;
  repeated string groups = 3;
  Kind kind = 4;
  oneof extra { string note = 5; }
}
enum Kind { KIND_UNSPECIFIED = 0; KIND_PERSON = 1; KIND_SERVICE = 2; }
message Empty {}
service Users {
  rpc Get(Empty) returns (User);
  rpc List(Empty) returns (stream User);
}
`

func compileText(t *testing.T, src string) []protoreflect.FileDescriptor {
	t.Helper()
	r := &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(map[string]string{"demo.proto": src})}
	fds, err := compile(context.Background(), r, []string{"demo.proto"})
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	return fds
}

// TestBreakingFindsEachKindOfBreak changes the base protocol once per kind
// of break, and checks that additions and reserved removals pass.
func TestBreakingFindsEachKindOfBreak(t *testing.T) {
	released := compileText(t, base)
	cases := map[string]struct {
		from, to string
		want     string // "" for an allowed change
	}{
		"field added":          {"  oneof extra", "  string name = 6;\n  oneof extra", ""},
		"method added":         {"  rpc Get(", "  rpc Count(Empty) returns (Empty);\n  rpc Get(", ""},
		"reserved removal":     {"  string email = 2;", "  reserved 2;", ""},
		"enum value added":     {"KIND_SERVICE = 2;", "KIND_SERVICE = 2; KIND_GROUP = 3;", ""},
		"field removed":        {"  string email = 2;\n", "", "field demo.v1.User.email (2) was removed"},
		"field renamed":        {"string email = 2;", "string mail = 2;", "renamed from email to mail"},
		"field retyped":        {"string email = 2;", "int64 email = 2;", "changed type from string to int64"},
		"field made singular":  {"repeated string groups", "string groups", "changed cardinality"},
		"enum value removed":   {" KIND_SERVICE = 2;", "", "KIND_SERVICE (2) was removed"},
		"enum value renamed":   {"KIND_SERVICE = 2", "KIND_ROBOT = 2", "renamed from KIND_SERVICE to KIND_ROBOT"},
		"method removed":       {"  rpc Get(Empty) returns (User);\n", "", "method demo.v1.Users.Get was removed"},
		"method retyped":       {"rpc Get(Empty) returns (User)", "rpc Get(User) returns (User)", "changed its request or response type"},
		"streaming changed":    {"returns (stream User)", "returns (User)", "changed streaming"},
		"message removed":      {"message Empty {}", "message Nothing {}", "message demo.v1.Empty was removed"},
		"moved out of a oneof": {"oneof extra { string note = 5; }", "string note = 5;", "moved into or out of a oneof"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if src == base {
				t.Fatalf("the case changes nothing: %q not in the base", tc.from)
			}
			if name == "message removed" {
				src = strings.ReplaceAll(src, "(Empty)", "(Nothing)")
			}
			got := Breaking(released, compileText(t, src))
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("an allowed change was reported: %v", got)
			case tc.want != "" && !strings.Contains(strings.Join(got, "\n"), tc.want):
				t.Fatalf("Breaking = %v, want a report containing %q", got, tc.want)
			}
		})
	}
}

// TestBaselineRoundTrips writes a baseline and reads it back as the same
// contract.
func TestBaselineRoundTrips(t *testing.T) {
	released := compileText(t, base)
	raw, err := Marshal(released)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b.binpb")
	if err := writeFile(path, raw); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if b := Breaking(loaded, released); len(b) > 0 {
		t.Fatalf("a baseline read back differs: %v", b)
	}
	if b := Breaking(loaded, compileText(t, strings.Replace(base, "string email = 2;\n", "", 1))); len(b) == 0 {
		t.Fatal("a loaded baseline does not notice a removed field")
	}
}

func writeFile(path string, raw []byte) error { return os.WriteFile(path, raw, 0o600) }
