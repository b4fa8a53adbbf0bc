package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the strings a request may carry, checked by Call.Decode for
// every field of the decoded body and by the server for path values. A
// name is shown in lists, logs and audit entries, where a megabyte token
// name or a line break would bloat or forge them; free text is shown on
// a page. See decision 0196.
const (
	// MaxNameLen bounds names and ids, in characters.
	MaxNameLen = 200
	// MaxTextBytes bounds free text such as descriptions.
	MaxTextBytes = 4 << 10
)

// nameFields and textFields are the JSON field names that hold names and
// free text; any field ending in "Id" or "_id" is a name as well.
var (
	nameFields = map[string]bool{"id": true, "name": true, "alias": true, "publisher": true, "integration": true, "template": true}
	textFields = map[string]bool{"description": true, "summary": true, "note": true, "notes": true, "reason": true}
)

// fieldKind says which rule a field's name puts its strings under.
func fieldKind(jsonName string) string {
	switch {
	case nameFields[jsonName] || strings.HasSuffix(jsonName, "Id") || strings.HasSuffix(jsonName, "_id"):
		return "name"
	case textFields[jsonName]:
		return "text"
	}
	return ""
}

// invalidField is a 400 naming one field, in the message and in Fields.
func invalidField(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if field == "" {
		return BadRequest("%s", msg)
	}
	return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: field + ": " + msg,
		Fields: []FieldError{{Field: field, Message: msg}}}
}

// checkString applies the rules of kind to one value at field.
func checkString(field, kind, s string) *Error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return invalidField(field, "holds a NUL character (at byte %d); remove it", i)
	}
	switch kind {
	case "name":
		if n := utf8.RuneCountInString(s); n > MaxNameLen {
			return invalidField(field, "is %d characters long; names are at most %d", n, MaxNameLen)
		}
		if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
			return invalidField(field, "holds a control character (%q at byte %d); names are one line of printable text", s[i:i+utf8.RuneLen([]rune(s[i:])[0])], i)
		}
	case "text":
		if len(s) > MaxTextBytes {
			return invalidField(field, "is %d bytes long; free text is at most %d", len(s), MaxTextBytes)
		}
	}
	return nil
}

// checkStrings walks a decoded body and applies the string rules to every
// string in it, naming the first offender by its JSON path
// ("settings.rateLimit", "steps[2].id").
func checkStrings(v any) *Error {
	return walkStrings(reflect.ValueOf(v), "", "")
}

func walkStrings(v reflect.Value, path, kind string) *Error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkStrings(v.Elem(), path, kind)
	case reflect.String:
		return checkString(path, kind, v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, embedded := jsonName(f)
			if name == "-" {
				continue
			}
			if embedded {
				if err := walkStrings(v.Field(i), path, kind); err != nil {
					return err
				}
				continue
			}
			if err := walkStrings(v.Field(i), join(path, name), fieldKind(name)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			key := fmt.Sprint(k.Interface())
			p := join(path, key)
			if k.Kind() == reflect.String {
				// Map keys are names: settings, attributes, headers.
				if err := checkString(p, "name", key); err != nil {
					return err
				}
			}
			if err := walkStrings(iter.Value(), p, fieldKind(key)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes, e.g. json.RawMessage
		}
		for i := range v.Len() {
			if err := walkStrings(v.Index(i), path+"["+strconv.Itoa(i)+"]", kind); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonName is the field's name in JSON and whether it is an embedded
// struct whose fields are promoted.
func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if f.Anonymous && name == "" {
		return "", true
	}
	if name == "" {
		name = f.Name
	}
	return name, false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decodeError turns an encoding/json error into a 400 that names the field
// as the API documents it, never a Go type.
func decodeError(err error, raw []byte) *Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = keyOfKind(raw, typeErr.Value)
		}
		// The decoder's offset is the value's end, so only the line is
		// sure to point at it.
		line, _ := JSONPosition(raw, typeErr.Offset-1)
		return invalidField(field, "must be %s, not a JSON %s (line %d)", jsonKind(typeErr.Type), typeErr.Value, line)
	case errors.As(err, &syntaxErr):
		return BadRequest("the request body is not valid JSON: %s", DescribeJSONError(err, raw))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("the request body is not valid JSON: it ends before the value does")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return invalidField(name, "is not a field of this request; GET /v1/openapi.json lists the fields (check its spelling and case)")
	}
	return BadRequest("the request body is not valid JSON for this route: %s", msg)
}

// keyOfKind finds, in a JSON object body, the first key whose value is of
// the JSON kind the decoder refused ("number", "object", ...): the decoder
// leaves the field empty for values of a map.
func keyOfKind(raw []byte, kind string) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(obj[k])
		if len(v) == 0 {
			continue
		}
		var got string
		switch v[0] {
		case '"':
			got = "string"
		case '{':
			got = "object"
		case '[':
			got = "array"
		case 't', 'f':
			got = "bool"
		case 'n':
			got = "null"
		default:
			got = "number"
		}
		if strings.HasPrefix(kind, got) {
			return k
		}
	}
	return ""
}

// jsonKind names a Go type the way the API documents it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another type"
}

// checkBodyID refuses a body whose "id" names another object than the path
// of a route that ends with the object's id: the route would ignore it,
// and the caller would believe it saved under the id it sent.
func (c *Call) checkBodyID(v any) *Error {
	last := c.Route.Pattern[strings.LastIndexByte(c.Route.Pattern, '/')+1:]
	if !strings.HasPrefix(last, "{") || !strings.HasSuffix(last, "}") {
		return nil
	}
	pathID := c.PathValue(strings.Trim(last, "{}"))
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	var bodyID string
	switch rv.Kind() {
	case reflect.Struct:
		t := rv.Type()
		for i := range t.NumField() {
			if name, _ := jsonName(t.Field(i)); name == "id" && rv.Field(i).Kind() == reflect.String {
				bodyID = rv.Field(i).String()
			}
		}
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			if x := rv.MapIndex(reflect.ValueOf("id")); x.IsValid() {
				bodyID = fmt.Sprint(x.Interface())
			}
		}
	}
	if bodyID != "" && bodyID != pathID {
		return invalidField("id", "the body names %q but the path names %q; leave id out of the body or make them equal", bodyID, pathID)
	}
	return nil
}

// checkPathValues applies the name rules to the route's path values
// (already unescaped, so %00 is a NUL here).
func checkPathValues(r *http.Request, pattern string) *Error {
	for _, seg := range strings.Split(pattern, "/") {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		name := strings.Trim(seg, "{}.")
		if err := checkString("path "+name, "name", r.PathValue(name)); err != nil {
			return err
		}
	}
	return nil
}
