// Command idbridge-clockify is the Clockify connector plugin; the idbridge
// host launches it, it is not run by hand.
package main

import (
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/sdk"
)

func main() { sdk.Serve(clockify.Connector()) }
