// Command protogen regenerates the Go code of the plugin protocol.
//
// It compiles the .proto files with bufbuild/protocompile and feeds the result
// to protoc-gen-go and protoc-gen-go-grpc, both pinned in go.mod's tool block,
// so that `make proto` needs nothing but the Go toolchain: no protoc from apt,
// no downloaded binaries.
//
// With -check it compares the .proto files with the last released protocol
// and fails on a breaking change; with -release it makes the current files
// that baseline (see decision 0202).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/idbridge/idbridge/proto/internal/compat"
	"github.com/idbridge/idbridge/proto/internal/protogen/generate"
)

func main() {
	root := flag.String("root", "proto", "folder that holds the .proto files; output is written beside them")
	check := flag.Bool("check", false, "compare with the released protocol instead of generating")
	release := flag.Bool("release", false, "record the current protocol as the released one")
	flag.Parse()
	ctx := context.Background()
	var err error
	switch {
	case *check:
		err = compat.Check(ctx, *root, generate.Files)
	case *release:
		err = compat.Release(ctx, *root, generate.Files)
	default:
		err = generate.Write(ctx, *root, generate.Files)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "protogen:", err)
		os.Exit(1)
	}
}
