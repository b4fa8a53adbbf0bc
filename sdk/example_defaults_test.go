package sdk_test

import (
	"fmt"

	"github.com/idbridge/idbridge/sdk"
)

// What a declaration leaves out, the SDK derives: names from ids, labels
// from keys and paths, string fields, and the connector's Paging for every
// endpoint without its own.
func ExampleConnector_defaults() {
	c := sdk.Connector{
		Info:    sdk.Info{ID: "acme", Version: "1.0.0"},
		BaseURL: sdk.BaseURL{Default: "https://api.acme.example"},
		Paging:  sdk.Paging{Kind: sdk.Offset, PageParam: "offset", SizeParam: "limit", PageSize: 100},
		Endpoints: []sdk.Endpoint{{ID: "list-users", URL: "/users", PrimaryKey: "id",
			Fields: []sdk.Field{{Path: "id"}, {Path: "createdAt", Type: sdk.FieldDateTime}, {Path: "manager.displayName"}}}},
	}
	ep := c.Describe().GetEndpoints()[0]
	fmt.Printf("%s, paged by %s, %d a page\n", ep.GetName(), ep.GetPaging().GetPageParam(), ep.GetPaging().GetPageSize())
	for _, f := range ep.GetFields() {
		fmt.Printf("%s: %q %s\n", f.GetPath(), f.GetLabel(), f.GetType())
	}
	// Output:
	// List users, paged by offset, 100 a page
	// id: "ID" FIELD_TYPE_STRING
	// createdAt: "Created at" FIELD_TYPE_DATETIME
	// manager.displayName: "Display name" FIELD_TYPE_STRING
}
