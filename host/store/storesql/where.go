package storesql

import (
	"strconv"
	"strings"
)

// Where builds a WHERE clause from conditions written with ? for their
// arguments, in the placeholders of its Dialect, so one listing's filter
// serves both backends while each writes the rest of its query itself.
type Where struct {
	numbered bool
	conds    []string
	// Args are the arguments of the conditions and of Next, in order.
	Args []any
}

// Add appends a condition whose ?s stand for args, in order.
func (w *Where) Add(cond string, args ...any) {
	if w.numbered {
		var b strings.Builder
		for i := range args {
			before, after, _ := strings.Cut(cond, "?")
			b.WriteString(before)
			b.WriteString("$" + strconv.Itoa(len(w.Args)+i+1))
			cond = after
		}
		b.WriteString(cond)
		cond = b.String()
	}
	w.conds = append(w.conds, cond)
	w.Args = append(w.Args, args...)
}

// Next adds arg and returns its placeholder, for a query's parts after the
// conditions (a LIMIT, a SET) that take arguments too.
func (w *Where) Next(arg any) string {
	w.Args = append(w.Args, arg)
	if w.numbered {
		return "$" + strconv.Itoa(len(w.Args))
	}
	return "?"
}

// SQL returns " WHERE ..." joining the conditions with AND, or "" without
// conditions.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
