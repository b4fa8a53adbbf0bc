// Command protogen regenerates the Go code of the plugin protocol.
//
// It compiles the .proto files with bufbuild/protocompile and feeds the result
// to protoc-gen-go and protoc-gen-go-grpc, both pinned in go.mod's tool block,
// so that `make proto` needs nothing but the Go toolchain: no protoc from apt,
// no downloaded binaries.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/idbridge/idbridge/proto/internal/protogen/generate"
)

func main() {
	root := flag.String("root", "proto", "folder that holds the .proto files; output is written beside them")
	flag.Parse()
	if err := generate.Write(context.Background(), *root, generate.Files); err != nil {
		fmt.Fprintln(os.Stderr, "protogen:", err)
		os.Exit(1)
	}
}
