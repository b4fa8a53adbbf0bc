package boundaries

import (
	"fmt"
	"sort"
	"strings"
)

// Module is the import path every package of the repository starts with.
const Module = "github.com/idbridge/idbridge"

// Package is what the rules read of one package: its path and its imports,
// split into those of the package itself and those only its tests add.
type Package struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// area is the top-level folder of a repository import path ("host",
// "sdk", ...), or "" for a path outside the repository.
func area(path string) string {
	rest, ok := strings.CutPrefix(path, Module+"/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	return top
}

// testSupport reports whether a host package exists only to help tests
// (synctest, outboundtest, dirtest, ...): nothing shipped may import them.
// They are still packages that `go build ./host/...` compiles, so they keep
// the host's rules: a connector or its sandbox comes in only through a
// caller's test files. See decision 0206.
func testSupport(path string) bool {
	last := path[strings.LastIndex(path, "/")+1:]
	return strings.HasSuffix(last, "test") && last != "test"
}

// forbidden says which areas the code of one area may not import, and
// why. Tests count as the area's code, except in the host, whose tests
// (the _test.go files only) may drive real connectors as fixtures.
var forbidden = map[string]map[string]string{
	"sdk":         {"host": "the SDK is a module of its own for connector authors", "plugins": "the SDK knows no connector", "marketplace": "the SDK does not depend on packaging"},
	"proto":       {"host": "the protocol is shared by both sides", "sdk": "the protocol is below the SDK", "plugins": "the protocol knows no connector", "marketplace": "the protocol does not depend on packaging"},
	"plugins":     {"host": "a connector is built only on the SDK, like a third party's"},
	"marketplace": {"host": "the extension contract is shared by both sides", "plugins": "the extension contract knows no connector"},
	"host":        {"plugins": "the host learns about a connector from its extension and Describe, never from its code"},
}

// Violations returns every import that crosses a line, sorted.
func Violations(pkgs []Package) []string {
	byPath := map[string]bool{}
	for _, p := range pkgs {
		byPath[p.ImportPath] = true
	}
	var out []string
	check := func(from, to string, test bool) {
		a, b := area(from), area(to)
		if why, bad := forbidden[a][b]; bad {
			if a == "host" && test {
				return
			}
			kind := "imports"
			if test {
				kind = "imports in tests"
			}
			out = append(out, fmt.Sprintf("%s %s %s: %s", from, kind, to, why))
		}
		if a == "host" && !test && !testSupport(from) && area(to) == "host" && testSupport(to) {
			out = append(out, fmt.Sprintf("%s imports %s: a test-support package must not reach shipped code", from, to))
		}
	}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			check(p.ImportPath, imp, false)
		}
		for _, imp := range append(append([]string{}, p.TestImports...), p.XTestImports...) {
			check(p.ImportPath, imp, true)
		}
	}
	sort.Strings(out)
	return out
}
