package inbound

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/internal/resourceid"
	"github.com/idbridge/idbridge/host/mapping"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// KV is one header or query parameter. Value may hold host macros.
type KV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Paging kinds, as admins write them.
const (
	PagingNone   = "none"
	PagingPage   = "page"
	PagingOffset = "offset"
	PagingCursor = "cursor"
)

// Paging says how the endpoint's list is split into pages.
type Paging struct {
	// Kind is none, page, offset or cursor.
	Kind string `json:"kind,omitempty"`
	// PageParam is the query parameter of the page number, offset or cursor.
	PageParam string `json:"pageParam,omitempty"`
	// SizeParam is the query parameter of the page size.
	SizeParam string `json:"sizeParam,omitempty"`
	PageSize  int    `json:"pageSize,omitempty"`
	// FirstPage is the number of the first page (1 for 1-based APIs).
	FirstPage int `json:"firstPage,omitempty"`
	// LastPageHeader is a response header whose value "true" marks the end.
	LastPageHeader string `json:"lastPageHeader,omitempty"`
	// CursorPath is the dotted path of the next cursor in the body.
	CursorPath string `json:"cursorPath,omitempty"`
}

// Definition is a custom endpoint as the admin writes it.
type Definition struct {
	// ID is the endpoint's handle within the integration (lower case,
	// digits and dashes).
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Method is GET unless the app reads lists with POST.
	Method string `json:"method,omitempty"`
	// URL is relative to the connector's base URL, or absolute on the
	// app's host. {Key} placeholders are settings filled in by the
	// connector; %integration.key% macros are rendered by the host.
	URL         string `json:"url"`
	Headers     []KV   `json:"headers,omitempty"`
	Query       []KV   `json:"query,omitempty"`
	Paging      Paging `json:"paging,omitzero"`
	RecordsPath string `json:"recordsPath,omitempty"`
	// PrimaryKey is the field suggested as the join key in data sources.
	PrimaryKey string `json:"primaryKey,omitempty"`
}

// Endpoint is an inbound endpoint as listed: a connector's preconfigured
// one or a saved custom one, with the fields known for it.
type Endpoint struct {
	Definition
	IntegrationID string `json:"integrationId"`
	// Custom is set for endpoints an admin defined.
	Custom bool `json:"custom"`
	// Fields are the fields of the last successful test and save, or the
	// connector's declared fields when the endpoint was never tested.
	Fields []mapping.Field `json:"fields"`
	// FieldsFrom says where Fields come from: "test" or "declared".
	FieldsFrom string `json:"fieldsFrom"`
	// Tested is when the last successful test and save ran; zero if never.
	Tested time.Time `json:"tested,omitzero"`
	// Digest identifies the definition that passed that test.
	Digest string `json:"digest,omitempty"`
	// Created and Updated are set for custom endpoints.
	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
}

// normalize fills defaults so that equal definitions digest equally.
func (d Definition) normalize() Definition {
	d.Method = strings.ToUpper(strings.TrimSpace(d.Method))
	if d.Method == "" {
		d.Method = http.MethodGet
	}
	d.URL = strings.TrimSpace(d.URL)
	if d.Paging.Kind == "" {
		d.Paging.Kind = PagingNone
	}
	return d
}

// check reports what is structurally wrong; macro references are checked
// by the service against the integration's settings.
func (d Definition) check(needID bool) []string {
	var p []string
	if needID && !resourceid.Valid(d.ID) {
		p = append(p, fmt.Sprintf("id: %q must be 1-63 lower-case letters, digits and dashes", d.ID))
	}
	if d.ID == "test" {
		p = append(p, `id: "test" is reserved; choose another id`)
	}
	if d.URL == "" {
		p = append(p, "url: required (relative to the connector's base URL, e.g. /v1/workspaces/{WorkspaceID}/users)")
	}
	switch d.Method {
	case http.MethodGet, http.MethodPost:
	default:
		p = append(p, fmt.Sprintf("method: %q is not a read; use GET (or POST for apps that list with POST)", d.Method))
	}
	switch d.Paging.Kind {
	case PagingNone:
	case PagingPage, PagingOffset:
		if d.Paging.PageParam == "" {
			p = append(p, "paging.pageParam: required for "+d.Paging.Kind+" paging")
		}
	case PagingCursor:
		if d.Paging.PageParam == "" || d.Paging.CursorPath == "" {
			p = append(p, "paging: cursor paging needs a page parameter and a cursor path")
		}
	default:
		p = append(p, fmt.Sprintf("paging.kind: %q is not none, page, offset or cursor", d.Paging.Kind))
	}
	if d.Paging.PageSize < 0 {
		p = append(p, "paging.pageSize: must not be negative")
	}
	for i, h := range d.Headers {
		if h.Name == "" || strings.ContainsAny(h.Name, " :\r\n") {
			p = append(p, fmt.Sprintf("headers[%d].name: %q is not a header name", i, h.Name))
		}
	}
	for i, q := range d.Query {
		if q.Name == "" {
			p = append(p, fmt.Sprintf("query[%d].name: required", i))
		}
	}
	return p
}

// digest identifies the definition's behaviour: everything that changes
// the request or how the answer is read. Name and description are left
// out, so renaming needs no new test.
func (d Definition) digest(integrationID string) string {
	d = d.normalize()
	d.Name, d.Description = "", ""
	b, _ := json.Marshal(struct {
		I string
		D Definition
	}{integrationID, d})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func pagingKind(k string) connectorv1.PagingKind {
	switch k {
	case PagingPage:
		return connectorv1.PagingKind_PAGING_KIND_PAGE_NUMBER
	case PagingOffset:
		return connectorv1.PagingKind_PAGING_KIND_OFFSET
	case PagingCursor:
		return connectorv1.PagingKind_PAGING_KIND_CURSOR
	}
	return connectorv1.PagingKind_PAGING_KIND_NONE
}

func pagingName(k connectorv1.PagingKind) string {
	switch k {
	case connectorv1.PagingKind_PAGING_KIND_PAGE_NUMBER:
		return PagingPage
	case connectorv1.PagingKind_PAGING_KIND_OFFSET:
		return PagingOffset
	case connectorv1.PagingKind_PAGING_KIND_CURSOR:
		return PagingCursor
	}
	return PagingNone
}

// spec converts a rendered definition to the wire form.
func (d Definition) spec() *connectorv1.EndpointSpec {
	kvs := func(in []KV) []*connectorv1.KeyValue {
		out := make([]*connectorv1.KeyValue, 0, len(in))
		for _, kv := range in {
			out = append(out, &connectorv1.KeyValue{Name: kv.Name, Value: kv.Value})
		}
		return out
	}
	return &connectorv1.EndpointSpec{
		Id: d.ID, Name: d.Name, Description: d.Description, Method: d.Method, Url: d.URL,
		Headers: kvs(d.Headers), Query: kvs(d.Query), RecordsPath: d.RecordsPath, PrimaryKey: d.PrimaryKey,
		Paging: &connectorv1.Paging{
			Kind: pagingKind(d.Paging.Kind), PageParam: d.Paging.PageParam, SizeParam: d.Paging.SizeParam,
			PageSize: int32(d.Paging.PageSize), FirstPage: int32(d.Paging.FirstPage),
			LastPageHeader: d.Paging.LastPageHeader, CursorPath: d.Paging.CursorPath,
		},
	}
}

// preconfigured converts a connector's declared endpoint for listing.
func preconfigured(integrationID string, s *connectorv1.EndpointSpec) Endpoint {
	kvs := func(in []*connectorv1.KeyValue) []KV {
		var out []KV
		for _, kv := range in {
			out = append(out, KV{Name: kv.GetName(), Value: kv.GetValue()})
		}
		return out
	}
	p := s.GetPaging()
	e := Endpoint{
		Definition: Definition{
			ID: s.GetId(), Name: s.GetName(), Description: s.GetDescription(), Method: s.GetMethod(), URL: s.GetUrl(),
			Headers: kvs(s.GetHeaders()), Query: kvs(s.GetQuery()), RecordsPath: s.GetRecordsPath(), PrimaryKey: s.GetPrimaryKey(),
			Paging: Paging{Kind: pagingName(p.GetKind()), PageParam: p.GetPageParam(), SizeParam: p.GetSizeParam(),
				PageSize: int(p.GetPageSize()), FirstPage: int(p.GetFirstPage()), LastPageHeader: p.GetLastPageHeader(),
				CursorPath: p.GetCursorPath()},
		},
		IntegrationID: integrationID,
		FieldsFrom:    "declared",
	}
	for _, f := range s.GetFields() {
		e.Fields = append(e.Fields, mapping.Field{Path: f.GetPath(), Type: fieldType(f.GetType())})
	}
	return e
}

func fieldType(t connectorv1.FieldType) string {
	switch t {
	case connectorv1.FieldType_FIELD_TYPE_NUMBER:
		return "number"
	case connectorv1.FieldType_FIELD_TYPE_BOOL:
		return "boolean"
	case connectorv1.FieldType_FIELD_TYPE_OBJECT:
		return "object"
	case connectorv1.FieldType_FIELD_TYPE_LIST:
		return "array"
	}
	return "string"
}
