package sdk

import (
	"slices"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

func TestDescribeDerivesNamesAndLabels(t *testing.T) {
	c := testConnector("https://app.example")
	c.Endpoints[0].Name = ""
	c.Endpoints[0].Fields = []Field{{Path: "id"}, {Path: "createdAt", Type: FieldDateTime}, {Path: "team", Label: "Team ID"}}
	c.Webhooks[0].Name = ""
	d := c.Describe()
	if got := d.GetSettings()[0].GetLabel(); got != "Workspace ID" {
		t.Errorf("setting workspaceId labelled %q, want Workspace ID", got)
	}
	ep := d.GetEndpoints()[0]
	if ep.GetName() != "List users" {
		t.Errorf("endpoint named %q, want List users from its id", ep.GetName())
	}
	var fields []string
	for _, f := range ep.GetFields() {
		fields = append(fields, f.GetLabel()+":"+f.GetType().String())
	}
	if want := []string{"ID:FIELD_TYPE_STRING", "Created at:FIELD_TYPE_DATETIME", "Team ID:FIELD_TYPE_STRING"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v: labels from paths unless given, string by default", fields, want)
	}
	if got, kept := d.GetWebhooks()[0].GetName(), d.GetWebhooks()[1].GetName(); got != "Find user" || kept != "Add user" {
		t.Errorf("webhooks named %q and %q, want Find user (derived) and Add user (given)", got, kept)
	}
	if c.Endpoints[0].Name != "" || c.Endpoints[0].Fields[0].Label != "" || c.Settings[0].Label != "" {
		t.Errorf("Describe changed the caller's declaration: %+v", c.Endpoints[0])
	}
}

func TestConnectorPagingIsTheEndpointsDefault(t *testing.T) {
	base, calls := usersApp(t, 5, false)
	c := testConnector(base)
	c.Paging, c.Endpoints[0].Paging = c.Endpoints[0].Paging, Paging{}
	c.Paging.LastPageHeader = ""
	c.Endpoints = append(c.Endpoints, Endpoint{ID: "big-pages", URL: "/v1/workspaces/{workspaceId}/users",
		Paging: Paging{PageSize: 50}, Fields: []Field{{Path: "id"}}, PrimaryKey: "id"})
	c.Endpoints = append(c.Endpoints, Endpoint{ID: "one-page", URL: "/v1/workspaces/{workspaceId}/users",
		Query: []KV{{Name: "status", Value: "ALL"}}, Paging: Paging{Kind: NoPaging}, Fields: []Field{{Path: "id"}}, PrimaryKey: "id"})
	d := c.Describe()
	if got := d.GetEndpoints()[0].GetPaging(); got.GetKind() != PageNumber || got.GetPageParam() != "page" || got.GetFirstPage() != 1 {
		t.Fatalf("list-users paging %v, want the connector's", got)
	}
	if got := d.GetEndpoints()[1].GetPaging(); got.GetKind() != PageNumber || got.GetPageSize() != 50 || got.GetPageParam() != "page" {
		t.Fatalf("big-pages paging %v, want the connector's with 50 a page", got)
	}
	if got := d.GetEndpoints()[2].GetPaging().GetKind(); got != NoPaging {
		t.Fatalf("one-page paging %v, want NONE as declared", got)
	}
	cl := dial(t, c)
	msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{Settings: testSettings(base), Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"}})
	// Pages of 2 from page 1: without the connector's paging the app
	// would answer its first call with no records.
	if n := calls.Load(); err != nil || len(records(msgs)) != 5 || n < 3 || n > 3+pagesAhead-1 {
		t.Fatalf("fetch: %d records in %d calls, err %v; want 5 in 3 pages of 2 (and the pages asked ahead)", len(records(msgs)), n, err)
	}
}
