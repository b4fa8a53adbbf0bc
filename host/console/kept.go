package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

// keptForm is what the admin typed into a refused form, so the page drawn
// after the redirect shows it again instead of the stored values (see
// decision 0222). Secrets (fields named secret.*) and the CSRF token are
// never kept: they would sit in the session and come back into the page.
func keptForm(r *http.Request) url.Values {
	_ = r.ParseForm()
	out := url.Values{}
	for k, v := range r.PostForm {
		if k == csrfField || k == "back" || strings.HasPrefix(k, "secret.") {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// fieldErrors places the API's field problems on the form's inputs: a
// problem with field "workspaceId" belongs to the input named
// "workspaceId" or ending in ".workspaceId" (such as
// "setting.workspaceId"). Problems no input matches are returned apart,
// to be shown in the flash.
func fieldErrors(fields []api.FieldError, form url.Values) (placed map[string]string, rest []api.FieldError) {
	placed = map[string]string{}
	for _, f := range fields {
		// An input named exactly like the field wins over one that only
		// ends like it ("name" over "headers.name").
		name := ""
		if _, ok := form[f.Field]; ok {
			name = f.Field
		}
		for k := range form {
			if name == "" && strings.HasSuffix(k, "."+f.Field) {
				name = k
			}
		}
		// A problem with a whole row of a numbered list ("steps[1]") or
		// with a part drawn as rows ("steps[1].inputs") belongs to that
		// row or those rows. See decision 0268.
		if name == "" && hasRows(form, f.Field) {
			name = f.Field
		}
		// A problem with one row of a list ("headers[1].name") or with
		// the list itself ("headers") belongs to the list's rows, drawn
		// as inputs "headers.name", "headers.value"; it is placed on the
		// list's name. See decision 0228.
		if list := listOf(f.Field); name == "" && list != "" && hasRows(form, list) {
			name = list
		}
		if name == "" {
			rest = append(rest, f)
			continue
		}
		if placed[name] != "" {
			placed[name] += "; "
		}
		placed[name] += f.Message
	}
	return placed, rest
}

// listOf is the list a field belongs to: "headers" for "headers[1].name"
// and for "headers", "" for a field with no brackets and no rows.
func listOf(field string) string {
	if i := strings.IndexByte(field, '['); i > 0 {
		return field[:i]
	}
	return field
}

// hasRows reports whether form has row inputs of list ("list.name").
func hasRows(form url.Values, list string) bool {
	for k := range form {
		if strings.HasPrefix(k, list+".") {
			return true
		}
	}
	return false
}

// consoleWords are the console's own sentences for API error codes whose
// message speaks to command-line users (flags, commands): the admin in
// the console is told which control to use instead.
var consoleWords = map[string]string{
	"already_installed": "This extension is already installed. To change its version, use Upgrade in the list of installed extensions.",
	"downgrade_refused": "That version is not newer than the installed one. To go back to it, uninstall the extension (keeping its integrations' settings) and install that version.",
}

// refusal is the flash for a refused change: the API's message, every
// field problem placed beside its input, and what was typed.
func refusal(r *http.Request, a answer) *flash {
	form := keptForm(r)
	placed, rest := fieldErrors(a.Fields, form)
	msg := a.Err
	if words, ok := consoleWords[a.Code]; ok {
		msg = words
	}
	f := &flash{OK: false, Message: msg, Detail: errorDetail(a), Form: form, Fields: placed}
	if len(placed) > 0 {
		f.Message = "Not saved: correct the fields marked below; what you typed is kept."
		for _, p := range rest {
			f.Message += " " + p.Field + ": " + p.Message + "."
		}
	}
	return f
}

// Kept returns what the admin typed into the field name of a refused
// form, or def (the stored value) when nothing was refused.
func (p *page) Kept(name, def string) string {
	if p.Flash == nil || p.Flash.Form == nil {
		return def
	}
	if v, ok := p.Flash.Form[name]; ok && len(v) > 0 {
		return v[0]
	}
	return def
}

// FieldError is the problem the API found with field name, or "".
func (p *page) FieldError(name string) string {
	if p.Flash == nil {
		return ""
	}
	return p.Flash.Fields[name]
}

// KeptRows returns the rows of a name/value list (headers, parameters)
// as the admin typed them into a refused form, from the inputs
// "list.name" and "list.value", or def when nothing was refused. Rows
// are padded with empty ones to at least min, so there is room to add.
func (p *page) KeptRows(list string, def []kv, min int) []kv {
	rows := def
	if p.Flash != nil && p.Flash.Form != nil {
		if names, ok := p.Flash.Form[list+".name"]; ok {
			values := p.Flash.Form[list+".value"]
			rows = nil
			for i, n := range names {
				r := kv{Name: n}
				if i < len(values) {
					r.Value = values[i]
				}
				rows = append(rows, r)
			}
		}
	}
	rows = append([]kv(nil), rows...)
	for len(rows) < min {
		rows = append(rows, kv{})
	}
	return rows
}

// formRows reads a name/value list posted as "list.name" and
// "list.value" inputs; rows without a name and value are left out.
func formRows(r *http.Request, list string) []kv {
	names, values := r.PostForm[list+".name"], r.PostForm[list+".value"]
	var out []kv
	for i, n := range names {
		row := kv{Name: strings.TrimSpace(n)}
		if i < len(values) {
			row.Value = strings.TrimSpace(values[i])
		}
		if row.Name != "" || row.Value != "" {
			out = append(out, row)
		}
	}
	return out
}
