package condition

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"github.com/idbridge/idbridge/host/macro"
)

// DefaultCostLimit bounds one evaluation. It is generous for comparisons
// and list scans over a user's groups, and stops runaway comprehensions.
const DefaultCostLimit = 100_000

var (
	// ErrCompile marks a condition refused at save time.
	ErrCompile = errors.New("condition is not valid")
	// ErrEval marks a condition that failed for one object at run time,
	// such as reading an attribute the object does not have.
	ErrEval = errors.New("condition failed")
)

// Error is one problem in a condition, at a 1-based line and column.
type Error struct {
	Line, Col  int
	Msg        string
	Suggestion string
}

// Error implements error.
func (e *Error) Error() string {
	// Worded like macro.Error so labels read the same. See decision 0229.
	s := fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
	if e.Suggestion != "" {
		s += " — did you mean " + e.Suggestion + "?"
	}
	return s
}

// Unwrap makes every compile problem an ErrCompile.
func (e *Error) Unwrap() error { return ErrCompile }

// Errors is every problem of one condition.
type Errors []*Error

// Error implements error, one problem per line.
func (l Errors) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes the problems to errors.Is and errors.As.
func (l Errors) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Option adjusts compilation.
type Option func(*options)

type options struct{ costLimit uint64 }

// WithCostLimit replaces DefaultCostLimit.
func WithCostLimit(limit uint64) Option { return func(o *options) { o.costLimit = limit } }

// Condition is a compiled, checked condition, safe for concurrent use.
type Condition struct {
	Source string
	scope  macro.Scope
	prg    cel.Program
}

// Compile checks a condition against the namespaces of a scope and prepares
// it for evaluation. It fails when the expression does not parse, does not
// give a boolean, or names something the scope does not declare.
func Compile(expr string, scope macro.Scope, opts ...Option) (*Condition, error) {
	o := options{costLimit: DefaultCostLimit}
	for _, fn := range opts {
		fn(&o)
	}
	// The strings extension gives lowerAscii(), so DNs and names compare
	// without regard to case as LDAP compares them. See decision 0215.
	// inAnyGroup and tableMaps read tables of groups kept as data. See
	// decisions 0218 and 0260.
	decls := []cel.EnvOption{ext.Strings(), inAnyGroup(), tableMaps()}
	for _, ns := range scope.Namespaces {
		decls = append(decls, cel.Variable(ns.Name, cel.MapType(cel.StringType, cel.DynType)))
	}
	env, err := cel.NewEnv(decls...)
	if err != nil {
		return nil, fmt.Errorf("condition: build environment: %w", err)
	}
	checked, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		var list Errors
		for _, e := range iss.Errors() {
			list = append(list, &Error{Line: e.Location.Line(), Col: e.Location.Column() + 1, Msg: e.Message})
		}
		return nil, list
	}
	if !checked.OutputType().IsExactType(types.BoolType) {
		// dyn is refused too: a bare ad.flag is almost always a forgotten
		// comparison, and ad.flag == "true" says what is meant.
		kind := "value of type " + checked.OutputType().String()
		if checked.OutputType().IsExactType(types.DynType) {
			kind = "value of unknown type"
		}
		return nil, Errors{{Line: 1, Col: 1, Msg: fmt.Sprintf("a condition must be true or false, but this one gives a %s; compare it, e.g. ad.department == \"Sales\"", kind)}}
	}
	if list := checkNames(checked, scope); len(list) > 0 {
		return nil, list
	}
	prg, err := env.Program(checked,
		cel.CostLimit(o.costLimit),
		cel.InterruptCheckFrequency(100),
		cel.EvalOptions(cel.OptOptimize),
	)
	if err != nil {
		return nil, fmt.Errorf("condition: prepare program: %w", err)
	}
	return &Condition{Source: expr, scope: scope, prg: prg}, nil
}

// checkNames finds ns.name and ns["name"] (and steps.id.output) and refuses
// names the scope does not declare, as Check does for macros.
func checkNames(a *cel.Ast, scope macro.Scope) Errors {
	native := a.NativeRep()
	info := native.SourceInfo()
	var list Errors
	for _, nav := range ast.MatchDescendants(ast.NavigateAST(native), func(e ast.NavigableExpr) bool {
		return e.Kind() == ast.SelectKind || e.Kind() == ast.CallKind
	}) {
		nsName, field, at, ok := namespaceAccess(nav)
		if !ok {
			continue
		}
		ns, found := scope.Lookup(nsName)
		if !found || ns.Open {
			continue
		}
		name := field
		if nsName == macro.NamespaceSteps {
			// steps.addUser alone is a map of that step's outputs; the
			// parent select carries the output name.
			if parent, ok := nav.Parent(); ok && parent.Kind() == ast.SelectKind {
				name = field + "." + parent.AsSelect().FieldName()
			} else if stepDeclared(ns, field) {
				continue
			}
		}
		f, ok := ns.Field(name)
		if ok && f.Name == name {
			continue
		}
		if !ok && ns.Accepts(name) {
			continue // known to the schema, though not listed
		}
		// Point at the start of ad.mial, not at the dot CEL records.
		loc := info.GetStartLocation(at)
		e := &Error{Line: loc.Line(), Col: loc.Column() + 1,
			Msg: fmt.Sprintf("%s.%s is not declared here", nsName, name)}
		if ok {
			e.Msg += "; names are case-sensitive in conditions"
			e.Suggestion = nsName + "." + f.Name
		} else if c := ns.Closest(name); c != "" {
			e.Suggestion = nsName + "." + c
		}
		list = append(list, e)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Line != list[j].Line {
			return list[i].Line < list[j].Line
		}
		return list[i].Col < list[j].Col
	})
	return list
}

func stepDeclared(ns macro.Namespace, step string) bool {
	for _, f := range ns.Fields {
		if strings.HasPrefix(f.Name, step+".") {
			return true
		}
	}
	return false
}

// namespaceAccess recognises ident.field and ident["field"], returning the
// ident's expression id for positions.
func namespaceAccess(e ast.NavigableExpr) (ns, field string, at int64, ok bool) {
	switch e.Kind() {
	case ast.SelectKind:
		sel := e.AsSelect()
		if sel.Operand().Kind() != ast.IdentKind {
			return "", "", 0, false
		}
		return sel.Operand().AsIdent(), sel.FieldName(), sel.Operand().ID(), true
	case ast.CallKind:
		call := e.AsCall()
		if call.FunctionName() != "_[_]" || len(call.Args()) != 2 {
			return "", "", 0, false
		}
		target, key := call.Args()[0], call.Args()[1]
		if target.Kind() != ast.IdentKind || key.Kind() != ast.LiteralKind {
			return "", "", 0, false
		}
		s, isString := key.AsLiteral().Value().(string)
		if !isString {
			return "", "", 0, false
		}
		return target.AsIdent(), s, target.ID(), true
	}
	return "", "", 0, false
}

// Eval evaluates the condition for one object. vars holds each namespace's
// values by name, as the macro renderer gets them; object names the object
// in errors.
func (c *Condition) Eval(ctx context.Context, vars macro.Data, object string) (bool, error) {
	act := make(map[string]any, len(c.scope.Namespaces))
	for _, ns := range c.scope.Namespaces {
		act[ns.Name] = c.activation(ns, vars[ns.Name])
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("%w for %s: %w", ErrEval, object, err)
	}
	out, _, err := c.prg.ContextEval(ctx, act)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, fmt.Errorf("%w for %s: %w", ErrEval, object, ctxErr)
		}
		return false, fmt.Errorf("%w for %s: %s: %v (use has(...) to test for a missing value)", ErrEval, object, c.Source, err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("%w for %s: %s gave %v, not true or false", ErrEval, object, c.Source, out.Value())
	}
	return b, nil
}

// activation turns string lists into CEL values: one value is a string,
// several (or a declared multi-valued attribute) a list. Steps outputs
// "addUser.id" become nested maps so steps.addUser.id reads naturally.
func (c *Condition) activation(ns macro.Namespace, vals map[string][]string) map[string]any {
	out := make(map[string]any, len(vals))
	for name, v := range vals {
		key := name
		f, declared := ns.Field(name)
		if declared {
			key = f.Name
		}
		var val any
		switch {
		case declared && f.Multi:
			val = append([]string(nil), v...)
		case len(v) == 0:
			continue
		case len(v) == 1:
			val = v[0]
		default:
			val = append([]string(nil), v...)
		}
		if ns.Name == macro.NamespaceSteps {
			if step, output, ok := strings.Cut(key, "."); ok {
				m, _ := out[step].(map[string]any)
				if m == nil {
					m = map[string]any{}
					out[step] = m
				}
				m[output] = val
				continue
			}
		}
		out[key] = val
	}
	return out
}
