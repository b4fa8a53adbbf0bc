package mapping

import (
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/macro"
)

type slotPath struct {
	slot int
	path path
	name string // alias.path, for messages
}

// compiled is a mapping (or the match rule) ready to evaluate.
type compiled struct {
	attr   string
	attrAt int // index in attrs, -1 for creation-only attributes
	field  FieldRef
	format *macro.Template
	clear  bool
	label  string // how messages name the source: record.email or the format
}

type compiledActive struct {
	field  FieldRef
	values map[string]bool
	fold   bool
}

// maxEndpoints is bounded by the join's bit set.
const maxEndpoints = 64

// NewPlanner prepares a plan for a validated data source. It re-parses the
// formats (Validate has checked them against the schema at save time) and
// fails only on a definition that could not have passed validation.
func NewPlanner(def DataSource) (*Planner, error) {
	if len(def.Endpoints) == 0 || len(def.Endpoints) > maxEndpoints {
		return nil, fmt.Errorf("%w: a data source needs 1 to %d endpoints", ErrInvalid, maxEndpoints)
	}
	p := &Planner{
		def:     def,
		aliases: map[string]int{},
		merged:  map[string][]int{},
		byAlias: map[string]map[string]int{},
		byKey:   map[string]int32{},
		index:   map[string]int32{},
		join:    make([]EndpointReport, len(def.Endpoints)),
	}
	p.slotPaths = make([][]slotPath, len(def.Endpoints))
	for i, e := range def.Endpoints {
		p.aliases[e.Alias] = i
		p.byAlias[e.Alias] = map[string]int{}
		p.join[i].Alias = e.Alias
		kp, err := parsePath(e.PrimaryKey)
		if err != nil {
			return nil, fmt.Errorf("endpoint %q: %w", e.Alias, err)
		}
		p.keyPaths = append(p.keyPaths, kp)
	}
	var err error
	if p.match, err = p.compile("match", Mapping{Field: def.Match.Field, Format: def.Match.Format, Attribute: def.Match.Attribute}); err != nil {
		return nil, err
	}
	p.matchAttr = p.match.attrAt
	for i, m := range def.Mappings {
		c, err := p.compile(fmt.Sprintf("mappings[%d]", i), m)
		if err != nil {
			return nil, err
		}
		p.mappings = append(p.mappings, c)
	}
	if def.Category == CategoryCreateUsers && def.Options.Create.Allowed {
		if p.createName, err = p.template("options.create.name", def.Options.Create.Name); err != nil {
			return nil, err
		}
		for i, m := range def.Options.Create.Attributes {
			c, err := p.compileWith(fmt.Sprintf("options.create.attributes[%d]", i), m, false)
			if err != nil {
				return nil, err
			}
			p.createAttrs = append(p.createAttrs, c)
		}
	}
	if a := def.Options.Active; a != nil {
		if err := p.need(a.Field); err != nil {
			return nil, fmt.Errorf("options.active: %w", err)
		}
		ca := &compiledActive{field: a.Field, values: map[string]bool{}, fold: a.CaseInsensitive}
		for _, v := range a.Values {
			if ca.fold {
				v = strings.ToLower(v)
			}
			ca.values[v] = true
		}
		p.active = ca
	}
	if r := def.Roles; r != nil {
		if err := p.need(r.Field); err != nil {
			return nil, fmt.Errorf("roles.field: %w", err)
		}
	}
	return p, nil
}

// Attributes lists the LDAP attributes the directory read must return: the
// match attribute and every mapped one. Reading only these keeps the search
// and the planner's memory small.
func (p *Planner) Attributes() []string { return append([]string(nil), p.attrs...) }

func (p *Planner) compile(where string, m Mapping) (compiled, error) {
	return p.compileWith(where, m, true)
}

func (p *Planner) compileWith(where string, m Mapping, readAD bool) (compiled, error) {
	c := compiled{attr: m.Attribute, attrAt: -1, field: m.Field, clear: m.ClearWhenMissing}
	if readAD {
		c.attrAt = p.attrSlot(m.Attribute)
	}
	switch {
	case m.Format != "":
		t, err := p.template(where+".format", m.Format)
		if err != nil {
			return c, err
		}
		c.format, c.label = t, m.Format
	case !m.Field.IsZero():
		if err := p.need(m.Field); err != nil {
			return c, fmt.Errorf("%s: %w", where, err)
		}
		c.label = "record." + m.Field.Path
		if m.Field.Endpoint != "" {
			c.label = m.Field.Endpoint + "." + m.Field.Path
		}
	default:
		return c, fmt.Errorf("%w: %s: choose an app field or write a custom format", ErrInvalid, where)
	}
	return c, nil
}

func (p *Planner) template(where, src string) (*macro.Template, error) {
	t, err := macro.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadFormat, where, err)
	}
	for _, r := range t.Refs() {
		if r.Namespace == "" {
			return nil, fmt.Errorf("%w: %s: %s cannot be used in a data source format", ErrBadFormat, where, r.Name)
		}
		f := FieldRef{Path: r.Name}
		if r.Namespace != macro.NamespaceRecord {
			f.Endpoint = r.Namespace
		}
		if err := p.need(f); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	return t, nil
}

// need gives a field its slots: one per endpoint for a merged reference.
func (p *Planner) need(f FieldRef) error {
	pp, err := parsePath(f.Path)
	if err != nil {
		return err
	}
	add := func(ei int) int {
		alias := p.def.Endpoints[ei].Alias
		if s, ok := p.byAlias[alias][f.Path]; ok {
			return s
		}
		s := p.nslots
		p.nslots++
		p.byAlias[alias][f.Path] = s
		p.slotPaths[ei] = append(p.slotPaths[ei], slotPath{slot: s, path: pp, name: alias + "." + f.Path})
		return s
	}
	if f.Endpoint != "" {
		ei, ok := p.aliases[f.Endpoint]
		if !ok {
			return fmt.Errorf("%w: %q is not an endpoint of this data source", ErrUnknownEndpoint, f.Endpoint)
		}
		add(ei)
		return nil
	}
	if _, done := p.merged[f.Path]; done {
		return nil
	}
	slots := make([]int, len(p.def.Endpoints))
	for ei := range p.def.Endpoints {
		slots[ei] = add(ei)
	}
	p.merged[f.Path] = slots
	return nil
}

func (p *Planner) attrSlot(attr string) int {
	for i, a := range p.attrs {
		if strings.EqualFold(a, attr) {
			return i
		}
	}
	p.attrs = append(p.attrs, attr)
	return len(p.attrs) - 1
}
