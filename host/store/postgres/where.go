package postgres

import (
	"strconv"
	"strings"
)

// where builds a WHERE clause from conditions written with ? for their one
// argument, numbering the placeholders as PostgreSQL wants ($1, $2...).
type where struct {
	conds []string
	args  []any
}

// add appends a condition whose ? is arg.
func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

// next is the placeholder of the argument added after the conditions.
func (w *where) next(arg any) string {
	w.args = append(w.args, arg)
	return "$" + strconv.Itoa(len(w.args))
}

// sql returns " WHERE ..." or "" without conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
