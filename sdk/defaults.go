package sdk

import (
	"cmp"
	"slices"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// withDefaults fills in what a declaration may leave out, so that Describe,
// Validate and the server all see the same complete declaration: names and
// labels derived from ids, keys and paths, string as the type of a field,
// and the connector's Paging for endpoints that declare no paging kind
// (with what they do set). The caller's
// slices are copied, never changed. See decision 0256.
func (c Connector) withDefaults() Connector {
	c.Settings = slices.Clone(c.Settings)
	for i := range c.Settings {
		c.Settings[i].Label = cmp.Or(c.Settings[i].Label, labelFrom(c.Settings[i].Key))
	}
	c.Endpoints = slices.Clone(c.Endpoints)
	for i := range c.Endpoints {
		e := &c.Endpoints[i]
		e.Name = cmp.Or(e.Name, labelFrom(e.ID))
		if e.Paging.Kind == connectorv1.PagingKind_PAGING_KIND_UNSPECIFIED {
			e.Paging = c.Paging.with(e.Paging)
		}
		e.Fields = slices.Clone(e.Fields)
		for j := range e.Fields {
			f := &e.Fields[j]
			f.Label = cmp.Or(f.Label, labelFrom(f.Path))
			f.Type = cmp.Or(f.Type, FieldString)
		}
	}
	c.Webhooks = slices.Clone(c.Webhooks)
	for i := range c.Webhooks {
		c.Webhooks[i].Name = cmp.Or(c.Webhooks[i].Name, labelFrom(c.Webhooks[i].ID))
	}
	return c
}

// with is p with the fields o sets replacing its own, so that an endpoint
// may page like the rest of the app but, say, ask for bigger pages.
func (p Paging) with(o Paging) Paging {
	p.PageParam = cmp.Or(o.PageParam, p.PageParam)
	p.SizeParam = cmp.Or(o.SizeParam, p.SizeParam)
	p.PageSize = cmp.Or(o.PageSize, p.PageSize)
	p.FirstPage = cmp.Or(o.FirstPage, p.FirstPage)
	p.TotalPath = cmp.Or(o.TotalPath, p.TotalPath)
	p.LastPageHeader = cmp.Or(o.LastPageHeader, p.LastPageHeader)
	p.CursorPath = cmp.Or(o.CursorPath, p.CursorPath)
	return p
}
