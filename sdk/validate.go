package sdk

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// ErrBadDeclaration wraps every problem Validate finds in a connector's
// declaration; it is a bug of the connector, not of an integration.
var ErrBadDeclaration = errors.New("connector declaration is invalid")

var (
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	// templateParts are {Key} placeholders and %macro% references.
	templateParts = regexp.MustCompile(`\{[^{}]*\}|%[^%]*%`)
	// inputPattern is a webhook input, %name%.
	inputPattern = regexp.MustCompile(`%([A-Za-z][A-Za-z0-9_]*)%`)
)

// Validate checks the declaration: ids present, unique and lower case,
// settings unique and sensible, credentials declared secret, URLs that
// parse, paging that can terminate. It lists every problem at once.
func (c Connector) Validate() error {
	c = c.withDefaults()
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	if !idPattern.MatchString(c.Info.ID) {
		add("Info.ID %q must be lower case letters, digits and '-'", c.Info.ID)
	}
	keys := map[string]Setting{}
	for _, s := range c.declaredSettings() {
		if !isSettingKey(s.Key) {
			add("setting key %q must start with a letter and use letters, digits, '_', '-', '.'", s.Key)
		}
		if _, dup := keys[s.Key]; dup {
			add("setting %q is declared twice", s.Key)
		}
		keys[s.Key] = s
		if s.Pattern != "" {
			if _, err := regexp.Compile(s.Pattern); err != nil {
				add("setting %q: pattern does not compile: %v", s.Key, err)
			}
		}
		if s.Type == Enum && len(s.Enum) == 0 {
			add("setting %q is an enum without values", s.Key)
		}
		if r := s.Rows; r != nil && (len(r.Values) == 0 || s.Secret || s.Type != String && s.Type != 0) {
			add("setting %q: a table (Rows) must be a plain String setting and list the values a row may give", s.Key)
		}
	}
	if c.Auth != nil {
		for _, k := range c.Auth.SecretSettings() {
			s, ok := keys[k]
			switch {
			case !ok:
				add("auth reads setting %q, which is not declared", k)
			case !s.Secret:
				add("auth reads setting %q, which must be declared Secret so it is masked and encrypted", k)
			}
		}
	}
	for name, path := range map[string]string{"Errors.MessagePath": c.Errors.MessagePath, "Errors.CodePath": c.Errors.CodePath} {
		if _, err := parseOutputPath(path); path != "" && err != nil {
			add("%s %q: %v", name, path, err)
		}
	}
	if c.ErrorDecoder != nil && (c.Errors.MessagePath != "" || c.Errors.CodePath != "") {
		add("Errors declares paths and ErrorDecoder is set too; use one")
	}
	if c.BaseURL.Default == "" && c.BaseURL.Setting == "" {
		add("BaseURL needs a Default or a Setting")
	}
	if c.BaseURL.Default != "" {
		if _, err := parseBase(c.BaseURL.Default); err != nil {
			add("BaseURL.Default: %v", err)
		}
	}
	// BaseURL.Setting and RateLimit.Setting are always declared (see
	// declaredSettings); only the budget's partition key may be missing.
	if k := c.RateLimit.KeySetting; k != "" {
		if _, ok := keys[k]; !ok {
			add("RateLimit refers to setting %q, which is not declared", k)
		}
	}
	seen := map[string]bool{}
	for _, e := range c.Endpoints {
		if !idPattern.MatchString(e.ID) {
			add("endpoint id %q must be lower case letters, digits and '-'", e.ID)
		}
		if seen["e:"+e.ID] {
			add("endpoint %q is declared twice", e.ID)
		}
		seen["e:"+e.ID] = true
		if err := checkTemplateURL(e.URL); err != nil {
			add("endpoint %q: %v", e.ID, err)
		}
		if err := e.Paging.check(); err != nil {
			add("endpoint %q: %v", e.ID, err)
		}
	}
	for _, w := range c.Webhooks {
		if !idPattern.MatchString(w.ID) {
			add("webhook id %q must be lower case letters, digits and '-'", w.ID)
		}
		if seen["w:"+w.ID] {
			add("webhook %q is declared twice", w.ID)
		}
		seen["w:"+w.ID] = true
		if !validMethod(w.Method) {
			add("webhook %q: method %q is not an HTTP method", w.ID, w.Method)
		}
		if err := checkTemplateURL(w.URL); err != nil {
			add("webhook %q: %v", w.ID, err)
		}
		for _, o := range w.Outputs {
			if _, err := parseOutputPath(o.Path); err != nil || o.Name == "" {
				add("webhook %q: output %q has an invalid path %q", w.ID, o.Name, o.Path)
			}
		}
		for _, msg := range checkVerify(w, c.Webhooks) {
			add("webhook %q: %s", w.ID, msg)
		}
	}
	if c.Test != nil {
		if c.TestHook != nil {
			add("Test and TestHook are both set; use one")
		}
		p = append(p, c.Test.check()...)
	}
	if len(p) > 0 {
		return fmt.Errorf("%w: %s", ErrBadDeclaration, strings.Join(p, "; "))
	}
	return nil
}

// checkTemplateURL checks that a URL template parses once placeholders and
// macros are replaced by sample values.
func checkTemplateURL(raw string) error {
	if raw == "" {
		return errors.New("URL is empty")
	}
	sample := templateParts.ReplaceAllString(raw, "x")
	if _, err := url.Parse(sample); err != nil {
		return fmt.Errorf("URL %q does not parse: %v", raw, err)
	}
	return nil
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// check reports paging that cannot run or cannot end.
func (p Paging) check() error {
	switch p.Kind {
	case PageNumber, Offset:
		if p.PageParam == "" {
			return fmt.Errorf("%w: paging needs PageParam", ErrBadDefinition)
		}
		if p.PageSize > 0 && p.SizeParam == "" {
			return fmt.Errorf("%w: paging has a PageSize but no SizeParam to send it in", ErrBadDefinition)
		}
	case Cursor:
		if p.PageParam == "" || p.CursorPath == "" {
			return fmt.Errorf("%w: cursor paging needs PageParam and CursorPath", ErrBadDefinition)
		}
		if p.TotalPath != "" {
			return fmt.Errorf("%w: TotalPath is for offset and page-number paging; a cursor ends by itself", ErrBadDefinition)
		}
	}
	if p.TotalPath != "" {
		if _, err := parseOutputPath(p.TotalPath); err != nil {
			return fmt.Errorf("%w: TotalPath %q: %v", ErrBadDefinition, p.TotalPath, err)
		}
	}
	return nil
}

// checkVerify checks a webhook's verification lookup: it must exist, be
// idempotent, and receive every input it needs from the verified call.
// See decision 0170.
func checkVerify(w Webhook, all []Webhook) []string {
	v := w.Verify
	if v == nil {
		return nil
	}
	if w.Idempotent {
		return []string{"an idempotent webhook needs no verify; remove one of them"}
	}
	var lookup *Webhook
	for i := range all {
		if all[i].ID == v.Webhook {
			lookup = &all[i]
		}
	}
	switch {
	case lookup == nil:
		return []string{fmt.Sprintf("verify names %q, which is not a webhook of this connector", v.Webhook)}
	case !lookup.Idempotent:
		return []string{fmt.Sprintf("verify names %q, which is not idempotent; a lookup must be safe to repeat", v.Webhook)}
	}
	have := map[string]bool{}
	for _, n := range webhookInputs(w) {
		have[n] = true
	}
	var p []string
	for _, n := range webhookInputs(*lookup) {
		from := n
		if m, ok := v.Inputs[n]; ok {
			from = m
		}
		if !have[from] {
			p = append(p, fmt.Sprintf("verify: the lookup's input %q has no input of this webhook to come from; map it in Verify.Inputs", n))
		}
	}
	return p
}

// webhookInputs returns the %name% inputs a webhook's templates use.
func webhookInputs(w Webhook) []string {
	var texts []string
	texts = append(texts, w.URL, w.Body)
	for _, kv := range w.Query {
		texts = append(texts, kv.Value)
	}
	for _, kv := range w.Headers {
		texts = append(texts, kv.Value)
	}
	for _, o := range w.Outputs {
		texts = append(texts, o.Path)
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, m := range inputPattern.FindAllStringSubmatch(t, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}
