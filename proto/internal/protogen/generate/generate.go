// Package generate compiles the protocol's .proto files and runs the Go code
// generators on them. The stale-code test and `make proto` share it, so the
// test checks exactly what the Makefile writes.
package generate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/pluginpb"
)

// Files lists the .proto files of the protocol, relative to the proto root.
var Files = []string{"connector/v1/connector.proto"}

// generators are the protoc plugins run on every file, through `go tool` so
// that their versions are the ones go.mod pins.
var generators = []string{"protoc-gen-go", "protoc-gen-go-grpc"}

// Generate compiles files under root and returns the generated Go files by
// path relative to root.
func Generate(ctx context.Context, root string, files []string) (map[string][]byte, error) {
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{root}}),
		// Keep comments so that the generated code documents itself.
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	compiled, err := compiler.Compile(ctx, files...)
	if err != nil {
		return nil, fmt.Errorf("compile %v: %w", files, err)
	}
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: files,
		Parameter:      proto.String("paths=source_relative"),
	}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			add(imports.Get(i).FileDescriptor)
		}
		req.ProtoFile = append(req.ProtoFile, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range compiled {
		add(f)
	}
	out := map[string][]byte{}
	for _, gen := range generators {
		resp, err := runPlugin(ctx, gen, req)
		if err != nil {
			return nil, err
		}
		for _, f := range resp.GetFile() {
			out[f.GetName()] = []byte(f.GetContent())
		}
	}
	return out, nil
}

// Write regenerates the Go code and writes it beside the .proto files.
func Write(ctx context.Context, root string, files []string) error {
	out, err := Generate(ctx, root, files)
	if err != nil {
		return err
	}
	for name, content := range out {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return fmt.Errorf("write generated file: %w", err)
		}
	}
	return nil
}

func runPlugin(ctx context.Context, name string, req *pluginpb.CodeGeneratorRequest) (*pluginpb.CodeGeneratorResponse, error) {
	in, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "tool", name)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("run %s (is it in go.mod's tool block?): %w: %s", name, err, stderr.String())
	}
	resp := &pluginpb.CodeGeneratorResponse{}
	if err := proto.Unmarshal(stdout.Bytes(), resp); err != nil {
		return nil, fmt.Errorf("read %s output: %w", name, err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("%s: %s", name, resp.GetError())
	}
	return resp, nil
}
