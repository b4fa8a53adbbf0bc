package sync

import (
	"slices"
	"strings"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/mapping"
)

// recordKeys lists, per endpoint alias, the record fields a data source
// reads, as dotted paths (primary keys, fields, and the fields its formats
// name), so the connector encodes and the host decodes only those. It returns nil, meaning "keep every
// key", when a format cannot be read: converting too much costs time,
// converting too little would lose values.
func recordKeys(d mapping.DataSource) map[string][]string {
	out := map[string][]string{}
	add := func(alias, path string) {
		key := path
		if key == "" || strings.HasPrefix(key, "[") || strings.HasPrefix(key, ".") {
			return
		}
		for _, ep := range d.Endpoints {
			if (alias == "" || alias == ep.Alias) && !slices.Contains(out[ep.Alias], key) {
				out[ep.Alias] = append(out[ep.Alias], key)
			}
		}
	}
	aliases := map[string]bool{}
	for _, ep := range d.Endpoints {
		aliases[ep.Alias] = true
		add(ep.Alias, ep.PrimaryKey)
	}
	field := func(f mapping.FieldRef) {
		if !f.IsZero() {
			add(f.Endpoint, f.Path)
		}
	}
	ok := true
	format := func(src string) {
		if src == "" || !ok {
			return
		}
		t, err := macro.Parse(src)
		if err != nil {
			ok = false
			return
		}
		for _, r := range t.Refs() {
			switch {
			case r.Namespace == "":
				// now: not a record field.
			case r.Namespace == macro.NamespaceRecord:
				add("", r.Name)
			case aliases[r.Namespace]:
				add(r.Namespace, r.Name)
			default:
				ok = false
			}
		}
	}
	mappings := append(slices.Clone(d.Mappings), d.Options.Create.Attributes...)
	for _, m := range mappings {
		field(m.Field)
		format(m.Format)
	}
	field(d.Match.Field)
	format(d.Match.Format)
	format(d.Options.Create.Name)
	if d.Options.Active != nil {
		field(d.Options.Active.Field)
	}
	if d.Roles != nil {
		field(d.Roles.Field)
	}
	if !ok {
		return nil
	}
	return out
}
