// Command idbridge-scim is the SCIM 2.0 connector plugin; the idbridge host
// launches it, it is not run by hand.
package main

import (
	"github.com/idbridge/idbridge/plugins/scim"
	"github.com/idbridge/idbridge/sdk"
)

func main() { sdk.Serve(scim.Connector()) }
