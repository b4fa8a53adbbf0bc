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
		name := ""
		for k := range form {
			if k == f.Field || strings.HasSuffix(k, "."+f.Field) {
				name = k
				break
			}
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
