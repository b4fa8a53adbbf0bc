package directory

import (
	"context"
	"errors"
	"regexp"
	"strings"
)

// schemaCache holds the names (and OIDs) of the attribute types and object
// classes the server's subschema lists, lower-cased.
type schemaCache struct {
	attributes map[string]bool
	classes    map[string]bool
	// attrTypes and classDefs are the definitions by lower-cased name,
	// for UserAttributeTypes.
	attrTypes map[string]AttributeType
	classDefs map[string]objectClass
}

// AttributeExists reports whether the directory's schema defines the
// attribute (by name or OID, without regard to case). The mapping layer uses
// it to reject an unknown LDAP attribute when a mapping is saved, not when
// it first runs. The schema is read once per client.
func (c *Client) AttributeExists(ctx context.Context, name string) (bool, error) {
	s, err := c.loadSchema(ctx)
	if err != nil {
		return false, err
	}
	base, _, _ := strings.Cut(name, ";") // "member;range=0-10" is member
	return s.attributes[strings.ToLower(base)], nil
}

// ObjectClassExists reports whether the schema defines the object class.
func (c *Client) ObjectClassExists(ctx context.Context, name string) (bool, error) {
	s, err := c.loadSchema(ctx)
	if err != nil {
		return false, err
	}
	return s.classes[strings.ToLower(name)], nil
}

func (c *Client) loadSchema(ctx context.Context) (*schemaCache, error) {
	c.schemaMu.Lock()
	defer c.schemaMu.Unlock()
	if c.schema != nil {
		return c.schema, nil
	}
	root, err := c.RootDSE(ctx)
	if err != nil {
		return nil, err
	}
	if root.SubschemaSubentry == "" {
		return nil, newError("read schema", ErrUnsupported, "grant the bind account read access to the subschema", errors.New("the rootDSE names no subschemaSubentry"))
	}
	s := &schemaCache{attributes: map[string]bool{}, classes: map[string]bool{},
		attrTypes: map[string]AttributeType{}, classDefs: map[string]objectClass{}}
	err = c.Search(ctx, Query{Base: root.SubschemaSubentry, Scope: ScopeBase, Filter: "(objectClass=subschema)",
		Attributes: []string{"attributeTypes", "objectClasses"}}, func(e Entry) error {
		for _, d := range e.Values("attributeTypes") {
			addDefinition(s.attributes, d)
			addAttributeType(s.attrTypes, d)
		}
		for _, d := range e.Values("objectClasses") {
			addDefinition(s.classes, d)
			addObjectClass(s.classDefs, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(s.attributes) == 0 {
		return nil, newError("read schema", ErrUnsupported, "grant the bind account read access to the subschema", errors.New("the subschema lists no attribute types"))
	}
	c.schema = s
	return s, nil
}

var (
	defOID   = regexp.MustCompile(`^\(\s*([0-9][0-9.]*)`)
	defNames = regexp.MustCompile(`NAME\s+(\(\s*(?:'[^']*'\s*)+\)|'[^']*')`)
	quoted   = regexp.MustCompile(`'([^']*)'`)
)

// addDefinition records the OID and every NAME of one RFC 4512 definition,
// e.g. ( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name ).
func addDefinition(into map[string]bool, def string) {
	if m := defOID.FindStringSubmatch(def); m != nil {
		into[m[1]] = true
	}
	if m := defNames.FindStringSubmatch(def); m != nil {
		for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
			into[strings.ToLower(q[1])] = true
		}
	}
}
