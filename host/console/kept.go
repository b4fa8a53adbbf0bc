package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/outbound"
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

// fieldErrors places the API's field problems on the inputs of the form
// posted to the route pattern, each named with the form's label (see
// decisions 0222 and 0271): a problem with field "workspaceId" belongs to
// the input named "workspaceId" or ending in ".workspaceId" (such as
// "setting.workspaceId"); one with a row of a name/value list
// ("headers[1].value") to that row, as the admin typed it. Problems no
// input matches are returned apart, to be shown in the flash.
func fieldErrors(pattern string, fields []api.FieldError, form url.Values) (placed map[string]string, rest []api.FieldError) {
	placed = map[string]string{}
	labelled := formLabels[pattern] != nil
	for _, f := range fields {
		// An input named exactly like the field wins over one that only
		// ends like it ("name" over "headers.name").
		name := formInputs[pattern][f.Field]
		if _, ok := form[f.Field]; ok && name == "" {
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
		if name == "" && strings.Contains(f.Field, "[") && hasRows(form, f.Field) {
			name = f.Field
		}
		msg := f.Message
		if labelled {
			msg = api.Labelled(labelOf(pattern, f.Field), f.Message)
		}
		// A problem with one row of a name/value list goes to the row the
		// admin typed it in, named by that row's number; one with the list
		// itself ("headers") under the list's rows. See decision 0228.
		if list := listOf(f.Field); name == "" && list != "" && hasNameValueRows(form, list) {
			name = list
			if row, sub, ok := typedRow(f.Field, form); ok {
				name = list + "[" + strconv.Itoa(row) + "]"
				msg = api.Labelled(labelOf(pattern, name+sub), f.Message)
			}
		}
		if name == "" {
			rest = append(rest, f)
			continue
		}
		if placed[name] != "" {
			placed[name] += "; "
		}
		placed[name] += msg
	}
	return placed, rest
}

// typedRow finds the form's row of a list item's field: the API counts only
// the rows that were sent (formRows drops empty ones), so "headers[0]"
// is the first row the admin filled in. sub is the rest of the path
// (".value").
func typedRow(field string, form url.Values) (row int, sub string, ok bool) {
	open, end := strings.IndexByte(field, '['), strings.IndexByte(field, ']')
	if open <= 0 || end < open {
		return 0, "", false
	}
	n, err := strconv.Atoi(field[open+1 : end])
	if err != nil || n < 0 {
		return 0, "", false
	}
	list, sub := field[:open], field[end+1:]
	names, values := form[list+".name"], form[list+".value"]
	for i := range names {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		if strings.TrimSpace(names[i]) == "" && strings.TrimSpace(v) == "" {
			continue
		}
		if n == 0 {
			return i, sub, true
		}
		n--
	}
	return 0, "", false
}

// listOf is the list a field belongs to: "headers" for "headers[1].name"
// and for "headers", "" for a field with no brackets and no rows.
func listOf(field string) string {
	if i := strings.IndexByte(field, '['); i > 0 {
		return field[:i]
	}
	return field
}

// hasRows reports whether form has inputs of list's rows ("list.…").
func hasRows(form url.Values, list string) bool {
	for k := range form {
		if strings.HasPrefix(k, list+".") {
			return true
		}
	}
	return false
}

// hasNameValueRows reports whether form has the rows of a name/value
// list ("list.name"), as the shared rows template draws them.
func hasNameValueRows(form url.Values, list string) bool {
	_, ok := form[list+".name"]
	return ok
}

// consoleWords are the console's own sentences for API error codes whose
// message speaks to command-line users (flags, commands): the admin in
// the console is told which control to use instead. Each gets the API's
// message, to keep what it says about the case at hand.
var consoleWords = map[string]func(msg string) string{
	"already_installed": func(string) string {
		return "This extension is already installed. To change its version, use Upgrade in the list of installed extensions."
	},
	"downgrade_refused": func(string) string {
		return "That version is not newer than the installed one. To go back to it, uninstall the extension (keeping its integrations' settings) and install that version."
	},
	"in_use": func(string) string {
		return "Enabled integrations use this extension. Disable them first, or tick \u201ceven while in use\u201d to uninstall it anyway; they stop working until it is installed again."
	},
	"needs_confirmation": func(msg string) string {
		why := ""
		if i := strings.LastIndex(msg, " ("); i >= 0 && strings.HasSuffix(msg, ")") {
			why = " " + msg[i+1:]
		}
		return "The plan changes more than the data source's change limit" + why + ". Review the plan below; to apply it anyway, tick \u201capply beyond the change limit\u201d and apply again."
	},
	"no_directory": func(string) string {
		return "This host has no directory connection to find users in. The host's administrator configures it when starting the host (see the installation guide)."
	},
}

// resultCode is how go-ldap writes a server's result code into an
// error: `LDAP Result Code 32 "No Such Object": `.
var resultCode = regexp.MustCompile(`LDAP Result Code [0-9]+ "[^"]*": `)

// withoutResultCodes takes the directory server's result codes out of a
// message the admin reads; the words around them say what happened and
// the fix. The host log keeps the whole error. See decision 0271.
func withoutResultCodes(msg string) string { return resultCode.ReplaceAllString(msg, "") }

// refusal is the flash for a refused change: the API's message, every
// field problem placed beside its input in the form's words, and what was
// typed.
func refusal(r *http.Request, a answer) *flash {
	form := keptForm(r)
	placed, rest := fieldErrors(r.Pattern, a.Fields, form)
	msg := withoutResultCodes(a.Err)
	if words, ok := consoleWords[a.Code]; ok {
		msg = words(msg)
	}
	f := &flash{OK: false, Message: msg, Detail: errorDetail(a), Form: form, Fields: placed}
	switch {
	case len(placed) > 0:
		f.Message = "Not saved: correct the fields marked below; what you typed is kept."
	case len(rest) > 0:
		// No input of this form takes the problems: they are listed in
		// words rather than in the API's message, which may name the
		// fields by their JSON paths.
		f.Message = "Not saved:"
	}
	if len(rest) > 0 {
		for _, p := range rest {
			f.Message += " " + api.Labelled(labelOf(r.Pattern, p.Field), p.Message) + "."
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
// "list.name" and "list.value", or def when nothing was refused. def is
// the stored list in the API's own row type (inbound.KV, outbound.KV)
// or the form's. Rows are padded with empty ones to at least min, so
// there is room to add.
func (p *page) KeptRows(list string, def any, min int) []kv {
	var rows []kv
	switch d := def.(type) {
	case []kv:
		rows = d
	case []inbound.KV:
		rows = kvRows(d)
	case []outbound.KV:
		rows = kvRows(d)
	}
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
