package macro

import (
	"fmt"
	"sort"
	"strings"
)

// Check parses a template and validates it against what exists where it is
// used. It is the save-time gate: every problem is returned at once, each
// with its position and, for a likely typo, a suggestion such as
// "did you mean %ad.mail%?".
func Check(src string, scope Scope) (*Template, error) {
	t, err := Parse(src)
	if err != nil {
		return nil, err
	}
	if err := CheckTemplate(t, scope); err != nil {
		return nil, err
	}
	return t, nil
}

// CheckTemplate validates an already parsed template against a scope.
func CheckTemplate(t *Template, scope Scope) error {
	var errs ErrorList
	for _, s := range t.Segments {
		if s.Expr != nil {
			checkNode(s.Expr, scope, &errs)
		}
	}
	return errs.err()
}

func checkNode(n Node, scope Scope, errs *ErrorList) {
	switch n := n.(type) {
	case *Ref:
		checkRef(n, scope, errs)
	case *Lit:
	case *Call:
		checkCall(n, scope, errs)
	}
}

func checkRef(r *Ref, scope Scope, errs *ErrorList) {
	if r.Namespace == "" {
		if r.Name == "now" && !scope.NoNow {
			return
		}
		e := &Error{Kind: ErrUnknownMacro, Pos: r.Pos}
		if r.Name == "now" {
			e.Msg = "now cannot be used here: the value must be the same on every run"
		} else {
			e.Msg = fmt.Sprintf("%q is not a macro; write namespace.name, such as %s", r.Name, exampleRef(scope))
			if s := suggestAnywhere(r.Name, scope); s != "" {
				e.Suggestion = s
			}
		}
		*errs = append(*errs, e)
		return
	}
	ns, ok := scope.namespace(r.Namespace)
	if !ok {
		known := make([]string, len(scope.Namespaces))
		for i, n := range scope.Namespaces {
			known[i] = n.Name
		}
		e := &Error{Kind: ErrUnknownMacro, Pos: r.Pos,
			Msg: fmt.Sprintf("unknown macro %%%s%%: there is no %q here (available: %s)", r.String(), r.Namespace, strings.Join(known, ", "))}
		if c := closest(r.Namespace, known); c != "" {
			e.Suggestion = "%" + c + "." + r.Name + "%"
		}
		*errs = append(*errs, e)
		return
	}
	if _, ok := ns.lookup(r.Name); ok {
		return
	}
	fields := make([]string, len(ns.Fields))
	for i, f := range ns.Fields {
		fields[i] = f.Name
	}
	e := &Error{Kind: ErrUnknownMacro, Pos: r.Pos,
		Msg: fmt.Sprintf("unknown macro %%%s%%: %q is not one of the %s", r.String(), r.Name, lowerFirst(ns.Description))}
	if c := closest(r.Name, fields); c != "" {
		e.Suggestion = "%" + r.Namespace + "." + c + "%"
	}
	*errs = append(*errs, e)
}

func suggestAnywhere(name string, scope Scope) string {
	for _, ns := range scope.Namespaces {
		for _, f := range ns.Fields {
			if strings.EqualFold(f.Name, name) {
				return "%" + ns.Name + "." + f.Name + "%"
			}
		}
	}
	return ""
}

func exampleRef(scope Scope) string {
	for _, ns := range scope.Namespaces {
		if len(ns.Fields) > 0 {
			return "%" + ns.Name + "." + ns.Fields[0].Name + "%"
		}
	}
	return "%ad.mail%"
}

func checkCall(c *Call, scope Scope, errs *ErrorList) {
	f, ok := functions[c.Name]
	if !ok {
		all := make([]string, 0, len(functions))
		for n := range functions {
			all = append(all, n)
		}
		sort.Strings(all)
		e := &Error{Kind: ErrUnknownFunction, Pos: c.Pos,
			Msg: fmt.Sprintf("unknown function %s (available: %s)", c.Name, strings.Join(all, ", "))}
		if s := closest(c.Name, all); s != "" {
			e.Suggestion = s + "(...)"
		}
		*errs = append(*errs, e)
		for _, a := range c.Args {
			checkNode(a, scope, errs)
		}
		return
	}
	if !f.arityOK(len(c.Args)) {
		*errs = append(*errs, &Error{Kind: ErrArguments, Pos: c.Pos,
			Msg: fmt.Sprintf("%s takes %s, not %d argument(s); write %s, e.g. %s", c.Name, arityText(f), len(c.Args), f.Signature(), f.Example)})
	}
	for i, a := range c.Args {
		checkNode(a, scope, errs)
		if i >= len(f.Params) && !f.Variadic {
			continue
		}
		p := f.param(i)
		lit, isLit := a.(*Lit)
		switch p.Kind {
		case ArgNumber:
			if isLit && !lit.Number {
				*errs = append(*errs, &Error{Kind: ErrArguments, Pos: a.Position(),
					Msg: fmt.Sprintf("%s of %s must be a whole number such as 0, not the text %s", p.Name, c.Name, lit.String())})
			}
		case ArgLiteral:
			if !isLit || lit.Number {
				*errs = append(*errs, &Error{Kind: ErrArguments, Pos: a.Position(),
					Msg: fmt.Sprintf("%s of %s must be written as a text in double quotes, e.g. %s", p.Name, c.Name, f.Example)})
				continue
			}
			if c.Name == "date" {
				if sugg, err := checkLayout(lit.Value); err != nil {
					*errs = append(*errs, &Error{Kind: ErrArguments, Pos: a.Position(), Msg: err.Error(), Suggestion: sugg})
				}
			}
		}
	}
}

func arityText(f FuncInfo) string {
	min := len(f.Params) - f.Optional
	switch {
	case f.Variadic:
		return fmt.Sprintf("%d or more arguments", min)
	case f.Optional > 0:
		return fmt.Sprintf("%d to %d arguments", min, len(f.Params))
	case min == 1:
		return "1 argument"
	default:
		return fmt.Sprintf("%d arguments", min)
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
