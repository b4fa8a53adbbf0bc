package dirsearch_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/dirsearch"
	"github.com/idbridge/idbridge/host/store"
)

// fakeDirectory answers every search with n objects named after the
// text, and records what it was asked.
type fakeDirectory struct {
	text        string
	kinds       []directory.ObjectKind
	skip, limit int
}

func (f *fakeDirectory) SearchObjects(_ context.Context, text string, kinds []directory.ObjectKind, skip, limit int) ([]directory.Found, bool, error) {
	f.text, f.kinds, f.skip, f.limit = text, kinds, skip, limit
	return []directory.Found{{Kind: directory.KindUser, DN: "CN=" + text + ",DC=x", Name: text}}, true, nil
}

// TestSearchRoute checks the route's roles, its paging and its refusals,
// each naming the field at fault.
func TestSearchRoute(t *testing.T) {
	tokens := api.NewTokens(store.NewMemoryDocs())
	srv := api.NewServer(api.Options{Auth: tokens})
	dir := &fakeDirectory{}
	if err := srv.Mount(dirsearch.Routes{Directory: dir}); err != nil {
		t.Fatal(err)
	}
	token := func(role api.Role) string {
		secret, _, err := tokens.Create(context.Background(), role.String(), role)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	operator, auditor := token(api.RoleOperator), token(api.RoleAuditor)
	get := func(tok, query string) (int, map[string]any) {
		req := httptest.NewRequest("GET", "/v1/directory/search"+query, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	if code, _ := get(auditor, "?q=ada"); code != http.StatusForbidden {
		t.Errorf("an auditor searched the directory: %d", code)
	}
	code, body := get(operator, "?q=ada%2A&kind=user,group&page=2&limit=10")
	if code != http.StatusOK || body["next"] != float64(3) {
		t.Fatalf("search: %d %v", code, body)
	}
	if dir.text != "ada*" || dir.skip != 20 || dir.limit != 10 || len(dir.kinds) != 2 {
		t.Errorf("the directory was asked %q skip %d limit %d kinds %v", dir.text, dir.skip, dir.limit, dir.kinds)
	}
	for query, field := range map[string]string{"": "q", "?q=a&kind=printer": "kind", "?q=a&limit=1000": "limit",
		"?q=a&page=-1": "page", "?q=a&page=400": "page"} {
		code, body := get(operator, query)
		e, _ := body["error"].(map[string]any)
		fields, _ := e["fields"].([]any)
		if code != http.StatusBadRequest || len(fields) != 1 || fields[0].(map[string]any)["field"] != field {
			t.Errorf("%q: %d %v, want 400 naming %s", query, code, body, field)
		}
	}
}

// fakeSchema lists two attributes, or fails like an unreadable schema.
type fakeSchema struct{ fail bool }

func (f fakeSchema) UserAttributeTypes(context.Context) ([]directory.AttributeType, error) {
	if f.fail {
		return nil, directory.ErrUnavailable
	}
	return []directory.AttributeType{{Name: "mail", SingleValued: true}, {Name: "whenChanged", SingleValued: true, ReadOnly: true}}, nil
}

// TestAttributesRoute checks that the schema's user attributes are
// listed for operators, refused to auditors, and that an unreadable
// schema is a 503 saying what to check.
func TestAttributesRoute(t *testing.T) {
	for _, fail := range []bool{false, true} {
		tokens := api.NewTokens(store.NewMemoryDocs())
		srv := api.NewServer(api.Options{Auth: tokens})
		if err := srv.Mount(dirsearch.Routes{Directory: &fakeDirectory{}, Attributes: fakeSchema{fail: fail}}); err != nil {
			t.Fatal(err)
		}
		get := func(role api.Role) *httptest.ResponseRecorder {
			secret, _, err := tokens.Create(context.Background(), role.String(), role)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/v1/directory/attributes", nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec
		}
		if rec := get(api.RoleAuditor); rec.Code != http.StatusForbidden {
			t.Errorf("an auditor read the schema: %d", rec.Code)
		}
		rec := get(api.RoleOperator)
		if fail {
			if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "schema") {
				t.Errorf("an unreadable schema answered %d %s", rec.Code, rec.Body)
			}
			continue
		}
		var got []directory.AttributeType
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK || len(got) != 2 || got[0].Name != "mail" || !got[1].ReadOnly {
			t.Errorf("attributes: %d %s (%v)", rec.Code, rec.Body, err)
		}
	}
}
