// Package compat checks that the connector protocol changes only in ways
// that keep every released connector and host working: the check `buf
// breaking` makes, on the wire and JSON level, done with protocompile so CI
// needs nothing but Go (see decision 0202).
//
// The baseline is the descriptor set of the last released protocol,
// committed under proto/released; `make proto-release` rewrites it when a
// protocol release is tagged.
package compat

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/known/structpb" // the protocol imports struct.proto
)

// Compile compiles files under root.
func Compile(ctx context.Context, root string, files []string) ([]protoreflect.FileDescriptor, error) {
	return compile(ctx, &protocompile.SourceResolver{ImportPaths: []string{root}}, files)
}

func compile(ctx context.Context, r protocompile.Resolver, files []string) ([]protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(r)}
	compiled, err := c.Compile(ctx, files...)
	if err != nil {
		return nil, fmt.Errorf("compile %v: %w", files, err)
	}
	out := make([]protoreflect.FileDescriptor, len(compiled))
	for i, f := range compiled {
		out[i] = f
	}
	return out, nil
}

// Marshal encodes files as a FileDescriptorSet, the form of the committed
// baseline; only the files themselves, since their imports are standard.
func Marshal(files []protoreflect.FileDescriptor) ([]byte, error) {
	set := &descriptorpb.FileDescriptorSet{}
	for _, f := range files {
		set.File = append(set.File, protodesc.ToFileDescriptorProto(f))
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(set)
}

// Load reads a baseline written by Marshal.
func Load(path string) ([]protoreflect.FileDescriptor, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := proto.Unmarshal(raw, set); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The standard imports (google/protobuf/...) are not in the set; they
	// resolve from the ones compiled into this program.
	reg := new(protoregistry.Files)
	var out []protoreflect.FileDescriptor
	for _, f := range set.GetFile() {
		fd, err := protodesc.NewFile(f, resolver{reg})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := reg.RegisterFile(fd); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, fd)
	}
	return out, nil
}

// resolver finds files in the baseline's own registry first, then among
// the standard ones linked into this program.
type resolver struct{ own *protoregistry.Files }

func (r resolver) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	if fd, err := r.own.FindFileByPath(p); err == nil {
		return fd, nil
	}
	return protoregistry.GlobalFiles.FindFileByPath(p)
}

func (r resolver) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	if d, err := r.own.FindDescriptorByName(n); err == nil {
		return d, nil
	}
	return protoregistry.GlobalFiles.FindDescriptorByName(n)
}

// Breaking lists every change from released to current that a connector
// or host built against released would notice, or nil. Additions are
// allowed; a removed field or enum value is allowed only when its number
// is reserved, so it can never be reused with another meaning. Names count
// too: the host keeps Describe answers as protobuf JSON.
func Breaking(released, current []protoreflect.FileDescriptor) []string {
	var out []string
	report := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	byName := map[protoreflect.FullName]protoreflect.Descriptor{}
	for _, f := range current {
		walk(f, func(d protoreflect.Descriptor) { byName[d.FullName()] = d })
	}
	for _, f := range released {
		walk(f, func(d protoreflect.Descriptor) {
			now, ok := byName[d.FullName()]
			switch old := d.(type) {
			case protoreflect.MessageDescriptor:
				m, same := now.(protoreflect.MessageDescriptor)
				if !ok || !same {
					report("message %s was removed", old.FullName())
					return
				}
				messageChanges(old, m, report)
			case protoreflect.EnumDescriptor:
				e, same := now.(protoreflect.EnumDescriptor)
				if !ok || !same {
					report("enum %s was removed", old.FullName())
					return
				}
				enumChanges(old, e, report)
			case protoreflect.ServiceDescriptor:
				s, same := now.(protoreflect.ServiceDescriptor)
				if !ok || !same {
					report("service %s was removed", old.FullName())
					return
				}
				serviceChanges(old, s, report)
			}
		})
	}
	slices.Sort(out)
	return out
}

// walk calls fn for every message, enum and service of f, nested ones
// included.
func walk(f protoreflect.FileDescriptor, fn func(protoreflect.Descriptor)) {
	var messages func(ms protoreflect.MessageDescriptors)
	enums := func(es protoreflect.EnumDescriptors) {
		for i := 0; i < es.Len(); i++ {
			fn(es.Get(i))
		}
	}
	messages = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			fn(m)
			messages(m.Messages())
			enums(m.Enums())
		}
	}
	messages(f.Messages())
	enums(f.Enums())
	for i := 0; i < f.Services().Len(); i++ {
		fn(f.Services().Get(i))
	}
}

func messageChanges(old, cur protoreflect.MessageDescriptor, report func(string, ...any)) {
	for i := 0; i < old.Fields().Len(); i++ {
		of := old.Fields().Get(i)
		nf := cur.Fields().ByNumber(of.Number())
		if nf == nil {
			if !cur.ReservedRanges().Has(of.Number()) {
				report("field %s (%d) was removed without reserving its number", of.FullName(), of.Number())
			}
			continue
		}
		if nf.Name() != of.Name() {
			report("field %d of %s was renamed from %s to %s", of.Number(), old.FullName(), of.Name(), nf.Name())
		}
		if nf.Kind() != of.Kind() {
			report("field %s changed type from %s to %s", of.FullName(), of.Kind(), nf.Kind())
		}
		if nf.Cardinality() != of.Cardinality() || nf.IsMap() != of.IsMap() {
			report("field %s changed cardinality", of.FullName())
		}
		if of.Message() != nil && nf.Message() != nil && of.Message().FullName() != nf.Message().FullName() {
			report("field %s changed message type from %s to %s", of.FullName(), of.Message().FullName(), nf.Message().FullName())
		}
		if of.Enum() != nil && nf.Enum() != nil && of.Enum().FullName() != nf.Enum().FullName() {
			report("field %s changed enum type from %s to %s", of.FullName(), of.Enum().FullName(), nf.Enum().FullName())
		}
		if (of.ContainingOneof() == nil) != (nf.ContainingOneof() == nil) {
			report("field %s moved into or out of a oneof", of.FullName())
		}
	}
}

func enumChanges(old, cur protoreflect.EnumDescriptor, report func(string, ...any)) {
	for i := 0; i < old.Values().Len(); i++ {
		ov := old.Values().Get(i)
		nv := cur.Values().ByNumber(ov.Number())
		switch {
		case nv == nil && !cur.ReservedRanges().Has(ov.Number()):
			report("enum value %s (%d) was removed without reserving its number", ov.FullName(), ov.Number())
		case nv != nil && nv.Name() != ov.Name():
			report("enum value %d of %s was renamed from %s to %s", ov.Number(), old.FullName(), ov.Name(), nv.Name())
		}
	}
}

func serviceChanges(old, cur protoreflect.ServiceDescriptor, report func(string, ...any)) {
	for i := 0; i < old.Methods().Len(); i++ {
		om := old.Methods().Get(i)
		nm := cur.Methods().ByName(om.Name())
		if nm == nil {
			report("method %s was removed", om.FullName())
			continue
		}
		if nm.Input().FullName() != om.Input().FullName() || nm.Output().FullName() != om.Output().FullName() {
			report("method %s changed its request or response type", om.FullName())
		}
		if nm.IsStreamingClient() != om.IsStreamingClient() || nm.IsStreamingServer() != om.IsStreamingServer() {
			report("method %s changed streaming", om.FullName())
		}
	}
}
