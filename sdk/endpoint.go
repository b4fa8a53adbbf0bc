package sdk

import (
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Endpoint is an inbound endpoint: one API call, paged, that reads records.
type Endpoint struct {
	// ID is stable, e.g. "list-users"; the host stores it in data sources.
	ID          string
	Name        string
	Description string
	// Method defaults to GET.
	Method string
	// URL is relative to the base URL (or absolute on its host), with
	// {Key} placeholders filled from settings.
	URL     string
	Headers []KV
	Query   []KV
	Paging  Paging
	// RecordsPath is the dotted path of the record list in the body; empty
	// when the body is the list itself.
	RecordsPath string
	Fields      []Field
	// PrimaryKey is the field that identifies a record.
	PrimaryKey string
}

// KV is a header or query parameter; order is kept because some apps care.
type KV struct {
	Name, Value string
}

// PagingKind names a paging scheme.
type PagingKind = connectorv1.PagingKind

// Paging kinds, re-exported for declarations.
const (
	NoPaging   = connectorv1.PagingKind_PAGING_KIND_NONE
	PageNumber = connectorv1.PagingKind_PAGING_KIND_PAGE_NUMBER
	Offset     = connectorv1.PagingKind_PAGING_KIND_OFFSET
	Cursor     = connectorv1.PagingKind_PAGING_KIND_CURSOR
)

// Paging says how an endpoint walks its pages; see connectorv1.Paging.
type Paging struct {
	Kind PagingKind
	// PageParam is the query parameter of the page number, offset or
	// cursor.
	PageParam string
	// SizeParam is the query parameter of the page size.
	SizeParam string
	// PageSize is how many records a page asks for.
	PageSize int
	// FirstPage is where paging starts: for PageNumber the number of the
	// first page, for Offset the index of the first record (0 for
	// 0-based offsets, 1 for SCIM's startIndex). Taken literally; 0 is
	// the zero value.
	FirstPage int
	// TotalPath is the dotted path of the total record count in the body
	// (SCIM's "totalResults"): with it, Offset and PageNumber paging stop
	// once that many records were read, without asking for an empty page.
	TotalPath string
	// LastPageHeader names a response header whose value "true" marks the
	// last page.
	LastPageHeader string
	// CursorPath is the dotted path of the next cursor in the body.
	CursorPath string
}

// FieldType is the type of a record field.
type FieldType = connectorv1.FieldType

// Field types, re-exported for declarations.
const (
	FieldString   = connectorv1.FieldType_FIELD_TYPE_STRING
	FieldNumber   = connectorv1.FieldType_FIELD_TYPE_NUMBER
	FieldBool     = connectorv1.FieldType_FIELD_TYPE_BOOL
	FieldObject   = connectorv1.FieldType_FIELD_TYPE_OBJECT
	FieldList     = connectorv1.FieldType_FIELD_TYPE_LIST
	FieldDateTime = connectorv1.FieldType_FIELD_TYPE_DATETIME
)

// Field declares one record field by its dotted path, "[]" walking lists
// (e.g. "memberships[].membershipStatus").
type Field struct {
	Path        string
	Label       string
	Type        FieldType
	Description string
}

func kvsProto(kvs []KV) []*connectorv1.KeyValue {
	out := make([]*connectorv1.KeyValue, len(kvs))
	for i, kv := range kvs {
		out[i] = &connectorv1.KeyValue{Name: kv.Name, Value: kv.Value}
	}
	return out
}

func kvsFromProto(kvs []*connectorv1.KeyValue) []KV {
	out := make([]KV, len(kvs))
	for i, kv := range kvs {
		out[i] = KV{Name: kv.GetName(), Value: kv.GetValue()}
	}
	return out
}

func (e Endpoint) method() string {
	if e.Method == "" {
		return "GET"
	}
	return e.Method
}

// proto converts the declaration for Describe.
func (e Endpoint) proto() *connectorv1.EndpointSpec {
	fields := make([]*connectorv1.FieldSpec, len(e.Fields))
	for i, f := range e.Fields {
		fields[i] = &connectorv1.FieldSpec{Path: f.Path, Label: f.Label, Type: f.Type, Description: f.Description}
	}
	return &connectorv1.EndpointSpec{
		Id: e.ID, Name: e.Name, Description: e.Description, Method: e.method(), Url: e.URL,
		Headers: kvsProto(e.Headers), Query: kvsProto(e.Query), Paging: e.Paging.proto(),
		RecordsPath: e.RecordsPath, Fields: fields, PrimaryKey: e.PrimaryKey,
	}
}

func (p Paging) proto() *connectorv1.Paging {
	k := p.Kind
	if k == connectorv1.PagingKind_PAGING_KIND_UNSPECIFIED {
		k = NoPaging
	}
	return &connectorv1.Paging{
		Kind: k, PageParam: p.PageParam, SizeParam: p.SizeParam, PageSize: int32(p.PageSize),
		FirstPage: int32(p.FirstPage), LastPageHeader: p.LastPageHeader, CursorPath: p.CursorPath,
		TotalPath: p.TotalPath,
	}
}

// endpointFromProto reads a custom endpoint the host sent.
func endpointFromProto(s *connectorv1.EndpointSpec) Endpoint {
	p := s.GetPaging()
	return Endpoint{
		ID: s.GetId(), Name: s.GetName(), Method: s.GetMethod(), URL: s.GetUrl(),
		Headers: kvsFromProto(s.GetHeaders()), Query: kvsFromProto(s.GetQuery()),
		RecordsPath: s.GetRecordsPath(), PrimaryKey: s.GetPrimaryKey(),
		Paging: Paging{
			Kind: p.GetKind(), PageParam: p.GetPageParam(), SizeParam: p.GetSizeParam(),
			PageSize: int(p.GetPageSize()), FirstPage: int(p.GetFirstPage()),
			LastPageHeader: p.GetLastPageHeader(), CursorPath: p.GetCursorPath(),
			TotalPath: p.GetTotalPath(),
		},
	}
}
