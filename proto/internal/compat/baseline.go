package compat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Baseline is the committed descriptor set of the last released protocol,
// relative to the proto root.
const Baseline = "released/connector.binpb"

// Check compiles files under root and compares them with the baseline
// there, returning an error that lists every breaking change.
func Check(ctx context.Context, root string, files []string) error {
	released, err := Load(filepath.Join(root, filepath.FromSlash(Baseline)))
	if err != nil {
		return fmt.Errorf("read the released protocol: %w", err)
	}
	current, err := Compile(ctx, root, files)
	if err != nil {
		return err
	}
	if b := Breaking(released, current); len(b) > 0 {
		return fmt.Errorf("the protocol changed in ways that break released connectors or hosts; add instead of changing, reserve the numbers of removed fields, or start connector.v2:\n  %s", strings.Join(b, "\n  "))
	}
	return nil
}

// Release writes the current protocol as the new baseline: run when a
// protocol release is tagged.
func Release(ctx context.Context, root string, files []string) error {
	current, err := Compile(ctx, root, files)
	if err != nil {
		return err
	}
	raw, err := Marshal(current)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, filepath.FromSlash(Baseline)), raw, 0o644)
}
