package console

import (
	"reflect"
	"strings"
	"testing"

	idauto "github.com/idbridge/idbridge/host/automation"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/orchestration"
	"github.com/idbridge/idbridge/host/outbound"
	idsync "github.com/idbridge/idbridge/host/sync"
)

// jsonFields maps the JSON names a type decodes (lower-cased, as
// encoding/json matches them) to their types, following embedded
// structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]reflect.Type{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = f.Type
	}
	return out
}

// elem is the struct a field's value holds, through pointers, slices and
// maps, or nil.
func elem(t reflect.Type) reflect.Type {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			return t
		default:
			return nil
		}
	}
}

// agree reports every field the console's view reads that the API's type
// does not send, recursively.
func agree(path string, view, api reflect.Type) []string {
	var missing []string
	apiFields := jsonFields(api)
	for name, vt := range jsonFields(view) {
		at, ok := apiFields[name]
		if !ok {
			missing = append(missing, path+"."+name)
			continue
		}
		if ve, ae := elem(vt), elem(at); ve != nil && ae != nil && ve.String() != "time.Time" {
			missing = append(missing, agree(path+"."+name, ve, ae)...)
		}
	}
	return missing
}

// TestConsoleViewsAgreeWithTheAPI fails when a console view that still
// mirrors an API type (on the pages not yet reading the API's own types,
// see decision 0267) reads a field that the API's answer type does not
// have: a renamed or removed field in the API breaks this test, not a page
// in front of an admin. Views that embed the API's types are checked by
// the compiler instead.
func TestConsoleViewsAgreeWithTheAPI(t *testing.T) {
	for _, c := range []struct {
		name      string
		view, api any
	}{
		{"data source", dataSource{}, idsync.DataSource{}},
		{"automation", automation{}, idauto.Automation{}},
		{"inbound endpoint", inboundEndpoint{}, inbound.Endpoint{}},
		{"inbound test", inboundTest{}, inbound.TestResult{}},
		{"webhook", webhook{}, outbound.Webhook{}},
		{"webhook test", webhookTest{}, outbound.TestResult{}},
		{"template step", tmplStep{}, orchestration.Step{}},
		{"plan", plan{}, mapping.Plan{}},
		{"sync result", syncResult{}, idsync.Result{}},
	} {
		if missing := agree(c.name, reflect.TypeOf(c.view), reflect.TypeOf(c.api)); len(missing) > 0 {
			t.Errorf("the console reads fields the API does not send: %s", strings.Join(missing, ", "))
		}
	}
}

// TestAgreeFindsAFieldTheAPIDoesNotSend keeps the check honest: a view
// reading a renamed nested field (as the marketplace once read an
// integration's "id" where the API sends "integration_id") is reported.
func TestAgreeFindsAFieldTheAPIDoesNotSend(t *testing.T) {
	type usage struct {
		IntegrationID string `json:"integration_id"`
	}
	type apiSummary struct {
		Integrations []usage `json:"integrations"`
	}
	type viewSummary struct {
		Integrations []struct {
			ID string `json:"id"`
		} `json:"integrations"`
	}
	missing := agree("extension", reflect.TypeOf(viewSummary{}), reflect.TypeOf(apiSummary{}))
	if len(missing) != 1 || missing[0] != "extension.integrations.id" {
		t.Errorf("agree reported %v, want [extension.integrations.id]", missing)
	}
}
