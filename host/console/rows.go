package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

// The rows of a form (headers, parameters, mappings, steps) are added,
// removed and moved by buttons that send the form without saving it: the
// button is named rowButton and its value says what to do, and the save
// handler, before anything is checked, draws the form again from what was
// sent with the change made. No script is needed and nothing typed is
// lost. See decision 0268.
//
// Two kinds of lists exist:
//   - name/value lists, whose rows are inputs "list.name" and
//     "list.value" repeated in order (headers, query parameters, a step's
//     inputs). A button value names them as is: "add:headers",
//     "remove:steps[1].inputs:0".
//   - numbered lists, whose rows are inputs "list[i].field" (mappings,
//     endpoints, steps). A button value names them with "[]":
//     "add:steps[]", "remove:mappings[]:2", "up:steps[]:3".

// rowButton is the name of every button that changes rows.
const rowButton = "row"

// rowEdit applies the row button r was sent with. It returns the form as
// typed (secrets and the CSRF token left out, like any kept form) with the
// change made, and true; false when the form was sent to be saved.
func rowEdit(r *http.Request) (url.Values, bool) {
	_ = r.ParseForm()
	op := r.PostFormValue(rowButton)
	if op == "" {
		return nil, false
	}
	form := keptForm(r)
	delete(form, rowButton)
	verb, rest, _ := strings.Cut(op, ":")
	list, index, _ := strings.Cut(rest, ":")
	i, err := strconv.Atoi(index)
	if err != nil {
		i = -1
	}
	if numbered, ok := strings.CutSuffix(list, "[]"); ok {
		switch verb {
		case "add":
			// A key of the new row, so it is counted; the page draws
			// its inputs empty.
			form[numbered+"["+strconv.Itoa(numberedRows(form, numbered))+"]"] = []string{""}
		case "remove":
			removeNumbered(form, numbered, i)
		case "up":
			swapNumbered(form, numbered, i, i-1)
		case "down":
			swapNumbered(form, numbered, i, i+1)
		}
		return form, true
	}
	switch verb {
	case "add":
		form[list+".name"] = append(form[list+".name"], "")
		form[list+".value"] = append(form[list+".value"], "")
	case "remove":
		for _, col := range []string{".name", ".value"} {
			if v := form[list+col]; i >= 0 && i < len(v) {
				form[list+col] = append(v[:i:i], v[i+1:]...)
			}
		}
	}
	return form, true
}

// numberedKey splits "steps[2].inputs.name" into 2 and "inputs.name"
// when it is a key of list "steps"; a bare "steps[2]" has rest "".
func numberedKey(key, list string) (int, string, bool) {
	tail, ok := strings.CutPrefix(key, list+"[")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(tail, "]")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(num)
	if err != nil || i < 0 {
		return 0, "", false
	}
	if rest != "" && !strings.HasPrefix(rest, ".") {
		return 0, "", false
	}
	return i, strings.TrimPrefix(rest, "."), true
}

// numberedRows counts the rows of a numbered list in form: one more than
// the highest row number sent.
func numberedRows(form url.Values, list string) int {
	n := 0
	for k := range form {
		if i, _, ok := numberedKey(k, list); ok && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// renumber moves every key of list's rows to the row number move gives
// (-1 drops the row).
func renumber(form url.Values, list string, move func(int) int) {
	moved := url.Values{}
	for k, v := range form {
		i, rest, ok := numberedKey(k, list)
		if !ok {
			continue
		}
		delete(form, k)
		to := move(i)
		if to < 0 {
			continue
		}
		key := list + "[" + strconv.Itoa(to) + "]"
		if rest != "" {
			key += "." + rest
		}
		moved[key] = v
	}
	for k, v := range moved {
		form[k] = v
	}
}

func removeNumbered(form url.Values, list string, i int) {
	if i < 0 {
		return
	}
	renumber(form, list, func(j int) int {
		switch {
		case j == i:
			return -1
		case j > i:
			return j - 1
		}
		return j
	})
}

func swapNumbered(form url.Values, list string, i, j int) {
	n := numberedRows(form, list)
	if i < 0 || j < 0 || i >= n || j >= n {
		return
	}
	renumber(form, list, func(k int) int {
		switch k {
		case i:
			return j
		case j:
			return i
		}
		return k
	})
}

// rowValues returns the inputs of each row of a numbered list, by field
// ("inputs.name" included), in row order.
func rowValues(form url.Values, list string) []url.Values {
	out := make([]url.Values, numberedRows(form, list))
	for i := range out {
		out[i] = url.Values{}
	}
	for k, v := range form {
		if i, rest, ok := numberedKey(k, list); ok && rest != "" {
			out[i][rest] = v
		}
	}
	return out
}

// listPath matches a numbered list item at the start of an API field
// path: "mappings[3]" in "mappings[3].attribute", "scope.users[1]".
var listPath = regexp.MustCompile(`^([A-Za-z][A-Za-z.]*)\[(\d+)\]`)

// toFormRows renames the API's field paths from the items sent to the
// rows they came from: empty rows are not sent, so item k of list is row
// rowOf[list][k] of the form.
func toFormRows(fields []api.FieldError, rowOf map[string][]int) []api.FieldError {
	out := make([]api.FieldError, len(fields))
	for n, fe := range fields {
		out[n] = fe
		f := fe.Field
		m := listPath.FindStringSubmatch(f)
		if m == nil {
			continue
		}
		rows, ok := rowOf[m[1]]
		k, _ := strconv.Atoi(m[2])
		if !ok || k >= len(rows) {
			continue
		}
		out[n].Field = m[1] + "[" + strconv.Itoa(rows[k]) + "]" + f[len(m[0]):]
	}
	return out
}

// redraw answers a row button: the form comes back, as typed and with the
// change, on the page at back; nothing was checked or saved, so no message
// is shown.
func (c *Console) redraw(w http.ResponseWriter, r *http.Request, s *session, form url.Values, back string) {
	c.sessions.setFlash(s, &flash{OK: true, Form: form, Redraw: true})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
