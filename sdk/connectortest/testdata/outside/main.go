// Command idbridge-tiny is a connector written outside the idbridge
// repository, depending on nothing but the SDK module.
package main

import (
	"github.com/idbridge/idbridge/sdk"
)

func main() { sdk.Serve(connector()) }

func connector() sdk.Connector {
	return sdk.Connector{
		Info:      sdk.Info{ID: "tiny", Name: "Tiny", Version: "1.0.0"},
		Settings:  []sdk.Setting{{Key: "ws", Required: true}, {Key: "base", Type: sdk.URL}, {Key: "apiKey", Secret: true, Required: true}},
		BaseURL:   sdk.BaseURL{Setting: "base", Default: "https://tiny.example.com/api"},
		Auth:      sdk.HeaderAuth("X-Api-Key", "apiKey"),
		RateLimit: sdk.RateLimit{PerSecond: 40, Burst: 4},
		Endpoints: []sdk.Endpoint{{ID: "users", Name: "Users", URL: "/t/{ws}/users", PrimaryKey: "id",
			Paging: sdk.Paging{Kind: sdk.PageNumber, PageParam: "page", SizeParam: "size", PageSize: 10, FirstPage: 1},
			Fields: []sdk.Field{{Path: "id"}}}},
		Webhooks: []sdk.Webhook{{ID: "add", Name: "Add", Method: "POST", URL: "/t/{ws}/users", MessageType: sdk.JSON,
			Body: `{"email":"%email%"}`, Outputs: []sdk.Output{{Name: "id", Path: "id"}}}},
	}
}
