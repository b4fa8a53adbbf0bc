package inbound_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/sync/synctest"
)

const integ = synctest.IntegrationID

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// groupsDef is a custom endpoint over Clockify's user groups, with a host
// macro in a header and the connector's own placeholder in the URL.
func groupsDef() inbound.Definition {
	return inbound.Definition{
		ID: "groups", Name: "Groups (custom)", URL: "/v1/workspaces/{WorkspaceID}/user-groups",
		Headers:    []inbound.KV{{Name: "X-Workspace-Echo", Value: "%integration.workspaceId%"}},
		Paging:     inbound.Paging{Kind: inbound.PagingPage, PageParam: "page", SizeParam: "page-size", PageSize: 2, FirstPage: 1, LastPageHeader: "Last-Page"},
		PrimaryKey: "id",
	}
}

func fieldByPath(fields []mapping.Field, path string) (mapping.Field, bool) {
	for _, f := range fields {
		if f.Path == path {
			return f, true
		}
	}
	return mapping.Field{}, false
}

func TestListShowsPreconfiguredEndpointsWithDeclaredFields(t *testing.T) {
	env := startEnv(t)
	list, err := env.Inbound.List(ctxT(t), integ)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range list {
		ids = append(ids, e.ID)
		if e.Custom || e.FieldsFrom != "declared" {
			t.Errorf("%s: custom=%v fieldsFrom=%q, want a preconfigured endpoint with declared fields", e.ID, e.Custom, e.FieldsFrom)
		}
	}
	for _, want := range []string{"list-users", "list-workers", "list-groups"} {
		if !slices.Contains(ids, want) {
			t.Errorf("endpoint %s missing from %v", want, ids)
		}
	}
	fields, err := env.Inbound.Fields(ctxT(t), integ, "list-workers")
	if err != nil || !slices.Contains(fields, "roles[].role") || !slices.Contains(fields, "email") {
		t.Fatalf("list-workers fields = %v, %v", fields, err)
	}
	if _, err := env.Inbound.Get(ctxT(t), integ, "nope"); !errors.Is(err, inbound.ErrUnknownEndpoint) {
		t.Fatalf("Get unknown = %v, want ErrUnknownEndpoint", err)
	}
}

func TestTestAndSaveRunsTheEndpointForRealAndSavesItsFields(t *testing.T) {
	env := startEnv(t)
	ctx := ctxT(t)
	res, saved, err := env.Inbound.TestAndSave(ctx, integ, groupsDef(), false)
	if err != nil {
		t.Fatalf("test and save: %v", err)
	}
	if !res.OK || !res.Saved || res.Records != 2 {
		t.Fatalf("result ok=%v saved=%v records=%d (first page of 2 expected), error %q", res.OK, res.Saved, res.Records, res.Error)
	}
	x := res.Exchange
	if x == nil || x.Status != 200 || x.Method != "GET" {
		t.Fatalf("exchange = %+v", x)
	}
	if !strings.Contains(x.URL, "/workspaces/6650a1b2c3d4e5f6a7b8c9d0/user-groups") || !strings.Contains(x.URL, "page-size=2") {
		t.Errorf("the connector did not fill {WorkspaceID} or paging: %s", x.URL)
	}
	var echoed, key bool
	for _, h := range x.RequestHeaders {
		if h.Name == "X-Workspace-Echo" && h.Value == "6650a1b2c3d4e5f6a7b8c9d0" {
			echoed = true
		}
		if strings.EqualFold(h.Name, "X-Api-Key") {
			key = true
			if h.Value != "****" {
				t.Errorf("X-Api-Key shown as %q, want it masked", h.Value)
			}
		}
	}
	if !echoed || !key {
		t.Errorf("request headers %+v: macro rendered %v, api key header present %v", x.RequestHeaders, echoed, key)
	}
	if strings.Contains(x.Body, env.APIKey) || !strings.Contains(x.Body, "Engineering") {
		t.Errorf("response body leaks the key or lacks the groups: %.200s", x.Body)
	}
	for _, p := range []string{"id", "name", "userIds[]", "workspaceId"} {
		if _, ok := fieldByPath(res.Fields, p); !ok {
			t.Errorf("field %s not found in %+v", p, res.Fields)
		}
	}
	if f, _ := fieldByPath(res.Fields, "name"); f.Type != "string" || f.Sample == "" {
		t.Errorf("name field = %+v, want a string with a sample", f)
	}

	if saved == nil || !saved.Custom || saved.FieldsFrom != "test" || saved.Tested.IsZero() {
		t.Fatalf("saved = %+v", saved)
	}
	got, err := env.Inbound.Get(ctx, integ, "groups")
	if err != nil || got.Digest != res.Digest || len(got.Fields) != len(res.Fields) {
		t.Fatalf("stored endpoint = %+v, %v", got, err)
	}
	// The saved endpoint reads every page, not just the tested one.
	var all []string
	err = env.Inbound.Fetch(ctx, integ, "groups", inbound.FetchOptions{Keep: []string{"name"}}, func(batch []map[string]any) error {
		for _, r := range batch {
			if len(r) != 1 {
				t.Errorf("record %v holds more than the kept key", r)
			}
			all = append(all, r["name"].(string))
		}
		return nil
	})
	if err != nil || len(all) != 3 {
		t.Fatalf("fetch all pages = %v, %v; want the 3 groups", all, err)
	}
	if _, _, err := env.Inbound.TestAndSave(ctx, integ, groupsDef(), false); err == nil {
		t.Fatal("adding an existing id again succeeded")
	}
}

func TestSaveIsRefusedWithoutAPassingTestOfTheSameDefinition(t *testing.T) {
	env := startEnv(t)
	ctx := ctxT(t)
	def := groupsDef()
	if _, err := env.Inbound.Save(ctx, integ, def, false); !errors.Is(err, inbound.ErrNotTested) {
		t.Fatalf("save untested = %v, want ErrNotTested", err)
	}
	res, err := env.Inbound.Test(ctx, integ, def)
	if err != nil || !res.OK || res.Saved {
		t.Fatalf("test = %+v, %v", res, err)
	}
	if _, err := env.Inbound.Get(ctx, integ, def.ID); !errors.Is(err, inbound.ErrUnknownEndpoint) {
		t.Fatalf("a test alone saved the endpoint: %v", err)
	}
	changed := def
	changed.RecordsPath = "items"
	if _, err := env.Inbound.Save(ctx, integ, changed, false); !errors.Is(err, inbound.ErrNotTested) || !strings.Contains(err.Error(), "test and save") {
		t.Fatalf("save of a changed definition = %v, want ErrNotTested saying what to do", err)
	}
	renamed := def
	renamed.Name = "Another label"
	if _, err := env.Inbound.Save(ctx, integ, renamed, false); err != nil {
		t.Fatalf("a new name alone needs no new test, got %v", err)
	}
}

func TestAFailedTestSavesNothingAndShowsTheAnswer(t *testing.T) {
	env := startEnv(t)
	ctx := ctxT(t)
	def := groupsDef()
	def.ID, def.URL = "broken", "/v1/workspaces/{WorkspaceID}/no-such-list"
	res, _, err := env.Inbound.TestAndSave(ctx, integ, def, false)
	var te *inbound.TestError
	if !errors.As(err, &te) || !errors.Is(err, inbound.ErrTestFailed) {
		t.Fatalf("test and save of a bad URL = %v, want a TestError", err)
	}
	if res == nil || res.OK || res.Error == "" {
		t.Fatalf("result = %+v", res)
	}
	if _, err := env.Inbound.Get(ctx, integ, "broken"); !errors.Is(err, inbound.ErrUnknownEndpoint) {
		t.Fatalf("a failed test saved the endpoint: %v", err)
	}

	// A list that is not where the records path says is a failure too:
	// no records, so no fields to map.
	def.URL, def.RecordsPath = "/v1/workspaces/{WorkspaceID}/user-groups", "nothing.here"
	res, _, err = env.Inbound.TestAndSave(ctx, integ, def, false)
	if err == nil || res == nil || res.OK {
		t.Fatalf("wrong records path: %+v, %v", res, err)
	}
}

func TestMacrosAreCheckedAndSecretsAreNotOffered(t *testing.T) {
	env := startEnv(t)
	ctx := ctxT(t)
	var inv *inbound.InvalidError
	for _, v := range []string{"%integration.nope%", "%integration.apiKey%", "%integration.workspaceId"} {
		def := groupsDef()
		def.Headers[0].Value = v
		_, err := env.Inbound.Test(ctx, integ, def)
		if !errors.As(err, &inv) {
			t.Errorf("header %q: %v, want an InvalidError", v, err)
			continue
		}
		// The field and the position in words, never "1:2:" nor the
		// JSON path. See decisions 0229 and 0271.
		if want := "Header 1 value, line 1, column "; !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "1:1") || strings.Contains(err.Error(), "headers[0]") {
			t.Errorf("header %q: %v, want it to say %q", v, err, want)
		}
	}
	def := groupsDef()
	def.Method, def.Paging.Kind = "DELETE", "sideways"
	if _, err := env.Inbound.Test(ctx, integ, def); !errors.As(err, &inv) || len(inv.Problems) != 2 {
		t.Fatalf("bad method and paging: %v", err)
	}
}

func TestPreconfiguredEndpointsAreTestedButNotEdited(t *testing.T) {
	env := startEnv(t)
	ctx := ctxT(t)
	res, err := env.Inbound.TestEndpoint(ctx, integ, "list-users", true)
	if err != nil || !res.OK || !res.Saved {
		t.Fatalf("test list-users = %+v, %v", res, err)
	}
	e, err := env.Inbound.Get(ctx, integ, "list-users")
	if err != nil || e.FieldsFrom != "test" || e.Custom {
		t.Fatalf("after the test: %+v, %v", e, err)
	}
	if f, ok := fieldByPath(e.Fields, "memberships[].membershipStatus"); !ok || f.Sample == "" {
		t.Errorf("membership status not discovered: %+v", e.Fields)
	}
	if err := env.Inbound.Remove(ctx, integ, "list-users"); !errors.Is(err, inbound.ErrPreconfigured) {
		t.Fatalf("remove preconfigured = %v", err)
	}
	def := groupsDef()
	def.ID = "list-users"
	if _, _, err := env.Inbound.TestAndSave(ctx, integ, def, true); !errors.Is(err, inbound.ErrPreconfigured) {
		t.Fatalf("overwrite preconfigured = %v", err)
	}
}
