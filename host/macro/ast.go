package macro

import "strings"

// Pos is a place in a template, reported in errors so the console can
// underline the mistake. Offset is in bytes; Line and Col count from 1, with
// Col in characters, because that is what an admin's editor shows.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Node is one element of a macro expression: a reference, a literal or a
// function call.
type Node interface {
	// Position is where the node starts in the template.
	Position() Pos
	// String is the node written back in macro syntax, used in messages.
	String() string
}

// Ref names a value: Namespace is the part before the first dot ("ad",
// "steps"), Name is the rest ("mail", "addUser.id"). The bare word "now" is a
// Ref with an empty namespace.
type Ref struct {
	Pos       Pos
	Namespace string
	Name      string
}

// Position implements Node.
func (r *Ref) Position() Pos { return r.Pos }

// String implements Node.
func (r *Ref) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "." + r.Name
}

// Lit is a string or integer literal.
type Lit struct {
	Pos   Pos
	Value string
	// Number is set when the literal was written as an integer, so that
	// substring(x, "0") can be refused while substring(x, 0) is accepted.
	Number bool
	Int    int
}

// Position implements Node.
func (l *Lit) Position() Pos { return l.Pos }

// String implements Node.
func (l *Lit) String() string {
	if l.Number {
		return l.Value
	}
	return quote(l.Value)
}

// Call applies a format function to its arguments.
type Call struct {
	Pos  Pos
	Name string
	Args []Node
}

// Position implements Node.
func (c *Call) Position() Pos { return c.Pos }

// String implements Node.
func (c *Call) String() string {
	var b strings.Builder
	b.WriteString(c.Name)
	b.WriteByte('(')
	for i, a := range c.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteByte(')')
	return b.String()
}

// Segment is one piece of a template: literal text or a macro.
type Segment struct {
	// Text is the literal text when Expr is nil ("%%" already turned into
	// "%").
	Text string
	// Expr is the macro expression; Source is how it was written, including
	// the percent signs, so errors quote the admin's own words.
	Expr   Node
	Source string
	Pos    Pos
}

// Template is a parsed template. It is immutable and safe for concurrent
// use, so one parse serves every object of a run.
type Template struct {
	Source   string
	Segments []Segment
}

// Macros returns the macro segments in order of appearance.
func (t *Template) Macros() []Segment {
	var out []Segment
	for _, s := range t.Segments {
		if s.Expr != nil {
			out = append(out, s)
		}
	}
	return out
}

// Refs returns every reference in the template, including those nested in
// function calls; callers use it to know which values to fetch (for example
// which AD attributes to read).
func (t *Template) Refs() []*Ref {
	var out []*Ref
	var walk func(n Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Ref:
			out = append(out, n)
		case *Call:
			for _, a := range n.Args {
				walk(a)
			}
		}
	}
	for _, s := range t.Segments {
		if s.Expr != nil {
			walk(s.Expr)
		}
	}
	return out
}

// IsConstant reports whether the template holds no macro at all.
func (t *Template) IsConstant() bool {
	for _, s := range t.Segments {
		if s.Expr != nil {
			return false
		}
	}
	return true
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Names lists the distinct names a set of templates reads from one
// namespace, in order of first use. The engine asks it which AD attributes
// to read for a step: Names(NamespaceAD, url, body, headers...).
func Names(namespace string, templates ...*Template) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range templates {
		if t == nil {
			continue
		}
		for _, r := range t.Refs() {
			key := strings.ToLower(r.Name)
			if r.Namespace == namespace && !seen[key] {
				seen[key] = true
				out = append(out, r.Name)
			}
		}
	}
	return out
}
