package pluginhost_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/pluginhost"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// The host keeps one supervisor; each enabled integration adds its
// connector under its id and then uses the handle as a plain client.
func ExampleSupervisor() {
	ctx := context.Background()
	sup := pluginhost.NewSupervisor(pluginhost.Config{Logger: hclog.Default()})
	defer sup.Shutdown(ctx)

	h, err := sup.Add("clockify-main", pluginhost.Plugin{
		Name:   "clockify",
		Path:   "/var/lib/idbridge/extensions/clockify/0.1.0/idbridge-clockify",
		SHA256: "b92895a8070b25d2bf1d8495e5e07b3afd52f82642fc5ae552d892b691459e30", // recorded at install
	})
	if err != nil {
		panic(err)
	}
	resp, err := h.Describe(ctx, &connectorv1.DescribeRequest{})
	switch {
	case errors.Is(err, pluginhost.ErrChecksumMismatch):
		fmt.Println("binary changed since install:", err)
	case errors.Is(err, pluginhost.ErrCrashLoop):
		fmt.Println("needs an admin:", h.Status().LastError)
	case err != nil:
		fmt.Println("describe failed:", err)
	default:
		fmt.Println(resp.GetInfo().GetName())
	}
}
