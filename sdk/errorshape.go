package sdk

import (
	"encoding/json"
	"net/http"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
)

// ErrorShape declares, as data, where an app's error bodies keep their
// message and code and what to tell the admin about each, so most
// connectors need neither an ErrorDecoder nor a Remedy hook. SCIM's
// {"detail": "...", "scimType": "uniqueness"} is
//
//	sdk.ErrorShape{MessagePath: "detail", CodePath: "scimType",
//		AdviceByCode: map[string]string{"uniqueness": "the user exists already"}}
//
// See decision 0203.
type ErrorShape struct {
	// MessagePath is the dotted path of the human message in an error body,
	// e.g. "detail" or "errors[].message" (the first element's).
	MessagePath string
	// CodePath is the dotted path of the app's own error code, e.g.
	// "scimType"; numbers are read as their decimal text.
	CodePath string
	// AdviceByCode is the advice shown for an app code, checked first.
	AdviceByCode map[string]string
	// AdviceByStatus is the advice shown for an HTTP status when the code
	// has none.
	AdviceByStatus map[int]string
}

// decoder reads bodies of the declared shape; a body without the message
// goes to httpexec.DecodeError, which knows the common shapes, so a
// proxy's error page still says something.
func (es ErrorShape) decoder() httpexec.ErrorDecoder {
	msg, code := splitOutputPath(es.MessagePath), splitOutputPath(es.CodePath)
	return func(status int, h http.Header, body []byte) (string, string) {
		var doc any
		if json.Unmarshal(body, &doc) == nil {
			m, mok := lookupString(doc, msg)
			c, _ := lookupString(doc, code)
			if mok && m != "" {
				return m, c
			}
			if c != "" {
				dm, _ := httpexec.DecodeError(status, h, body)
				return dm, c
			}
		}
		return httpexec.DecodeError(status, h, body)
	}
}

// advice returns the declared advice for ae, or "".
func (es ErrorShape) advice(ae *connectorv1.AppError) string {
	if a := es.AdviceByCode[ae.GetAppCode()]; a != "" && ae.GetAppCode() != "" {
		return a
	}
	return es.AdviceByStatus[int(ae.GetHttpStatus())]
}

// splitOutputPath parses a declared path once; an empty or invalid path
// finds nothing (Validate reports invalid ones).
func splitOutputPath(p string) []segment {
	if p == "" {
		return nil
	}
	segs, err := parseOutputPath(p)
	if err != nil {
		return nil
	}
	return segs
}

// lookupString reads a scalar at segs as text.
func lookupString(doc any, segs []segment) (string, bool) {
	if segs == nil {
		return "", false
	}
	v, ok := lookup(doc, segs)
	if !ok || v == nil {
		return "", false
	}
	switch v.(type) {
	case map[string]any, []any:
		return "", false
	}
	return scalarString(v), true
}
