package macro

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Context is where rendered text goes. Only macro values are escaped; the
// admin's literal text is taken as written. Escaping by place is what keeps
// a value such as `x", "admin": true` from changing the shape of a request.
type Context int

const (
	// Text is plain text: values are inserted unchanged.
	Text Context = iota
	// PathSegment is one segment of a URL path: values are path-escaped, so
	// a "/" in a value cannot reach another resource.
	PathSegment
	// QueryValue is a value in a URL query string.
	QueryValue
	// Form is a field value of an application/x-www-form-urlencoded body.
	Form
	// JSON is a JSON body. A macro inside a JSON string is escaped as string
	// content. A macro outside any string becomes a JSON number or boolean
	// when its value is exactly one, and a complete JSON string otherwise,
	// so a value can never add keys or change the body's structure.
	JSON
	// XML is an XML body: values are escaped for text and attributes.
	XML
	// Header is an HTTP header value: values holding CR, LF or NUL are
	// refused rather than cleaned, since they mean something is wrong.
	Header
	// URL is a whole URL: values before "?" are path segments, after it
	// query values.
	URL
)

// String names the context for messages.
func (c Context) String() string {
	switch c {
	case Text:
		return "text"
	case PathSegment:
		return "URL path"
	case QueryValue:
		return "URL query"
	case Form:
		return "form"
	case JSON:
		return "JSON"
	case XML:
		return "XML"
	case Header:
		return "header"
	case URL:
		return "URL"
	}
	return fmt.Sprintf("context(%d)", int(c))
}

// ContextFor maps a webhook message type ("json", "form", "xml", "text") to
// its context, so callers do not keep their own table.
func ContextFor(messageType string) (Context, error) {
	switch strings.ToLower(messageType) {
	case "json":
		return JSON, nil
	case "form":
		return Form, nil
	case "xml":
		return XML, nil
	case "text", "":
		return Text, nil
	}
	return Text, fmt.Errorf("unknown message type %q: use json, form, xml or text", messageType)
}

// jsonNumber is the JSON number grammar, anchored: a value matching it is a
// single token and cannot break out of its place.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// escaper tracks where in the output we are (inside a JSON string, past the
// "?" of a URL) while literal text streams through.
type escaper struct {
	ctx      Context
	inString bool // JSON: inside a string literal
	escaped  bool // JSON: previous byte was a backslash inside a string
	inQuery  bool // URL: past "?"
}

func newEscaper(c Context) *escaper { return &escaper{ctx: c} }

func (e *escaper) literal(s string) {
	switch e.ctx {
	case JSON:
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case e.escaped:
				e.escaped = false
			case e.inString && c == '\\':
				e.escaped = true
			case c == '"':
				e.inString = !e.inString
			}
		}
	case URL:
		if strings.ContainsAny(s, "?#") {
			e.inQuery = true
		}
	}
}

func (e *escaper) value(v string) (string, error) {
	switch e.ctx {
	case PathSegment:
		return url.PathEscape(v), nil
	case QueryValue, Form:
		return url.QueryEscape(v), nil
	case URL:
		if e.inQuery {
			return url.QueryEscape(v), nil
		}
		return url.PathEscape(v), nil
	case JSON:
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		if e.inString {
			return string(b[1 : len(b)-1]), nil
		}
		if v == "true" || v == "false" || jsonNumber.MatchString(v) {
			return v, nil
		}
		return string(b), nil
	case XML:
		var b strings.Builder
		if err := xml.EscapeText(&b, []byte(v)); err != nil {
			return "", err
		}
		return b.String(), nil
	case Header:
		if strings.ContainsAny(v, "\r\n\x00") {
			return "", fmt.Errorf("%w: a header value cannot contain a line break", ErrUnsafeValue)
		}
		return v, nil
	}
	return v, nil
}
