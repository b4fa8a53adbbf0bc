package extbuild

import (
	"context"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// Describe runs a connector binary as a plugin and reports what it says
// about itself: the ext.DescribeFunc that `make ext` and `idbridge ext
// pack` give ext.Pack, so neither packs a binary that contradicts its
// manifest (see decision 0204).
func Describe(ctx context.Context, path string) (ext.Described, error) {
	d, protocol, err := connectortest.DescribeBinary(ctx, path)
	if err != nil {
		return ext.Described{}, err
	}
	return ext.Described{ID: d.GetInfo().GetId(), Version: d.GetInfo().GetVersion(), Protocol: protocol}, nil
}
