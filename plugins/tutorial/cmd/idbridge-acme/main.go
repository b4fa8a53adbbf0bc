// Command idbridge-acme is the tutorial's Acme Directory connector plugin;
// the idbridge host launches it, it is not run by hand.
package main

import (
	"github.com/idbridge/idbridge/plugins/tutorial"
	"github.com/idbridge/idbridge/sdk"
)

func main() { sdk.Serve(tutorial.Connector()) }
