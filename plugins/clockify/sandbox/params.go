package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// errAnswered means a helper already wrote the error response.
var errAnswered = errors.New("response already written")

// convertError answers a parameter that cannot be converted the way
// Spring, behind Clockify, words it.
func convertError(w http.ResponseWriter, name, value, typ string) error {
	writeError(w, http.StatusBadRequest, codeBadRequestBody,
		fmt.Sprintf("Method parameter '%s': Failed to convert value of type 'java.lang.String' to required type '%s'; Invalid value [%s]", name, typ, value))
	return errAnswered
}

// queryBool reads an optional boolean parameter.
func queryBool(c *call, name string, def bool) (bool, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		return false, convertError(c.w, name, v, "boolean")
	}
	return b, nil
}

// queryEnum reads an optional parameter limited to a set of values.
func queryEnum(c *call, name, def string, allowed ...string) (string, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	if !slices.Contains(allowed, v) {
		return "", convertError(c.w, name, v, "enum")
	}
	return v, nil
}

// paging reads page and page-size: 1-based, default 1 and 50, page-size
// clamped to maxPageSize.
func paging(c *call) (page, size int, err error) {
	q := c.r.URL.Query()
	page, size = 1, defaultPageSize
	if v := q.Get("page"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 32)
		if perr != nil {
			return 0, 0, convertError(c.w, "page", v, "int")
		}
		page = int(n)
	}
	if v := q.Get("page-size"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 32)
		if perr != nil {
			return 0, 0, convertError(c.w, "page-size", v, "int")
		}
		size = int(n)
	}
	return checkPaging(c.w, page, size)
}

// checkPaging applies the limits shared by query and body paging.
func checkPaging(w http.ResponseWriter, page, size int) (int, int, error) {
	if page < 1 {
		writeError(w, http.StatusBadRequest, codeBusiness, "page must be greater than or equal to 1")
		return 0, 0, errAnswered
	}
	if size < 1 {
		writeError(w, http.StatusBadRequest, codeBusiness, "page-size must be greater than or equal to 1")
		return 0, 0, errAnswered
	}
	return page, min(size, maxPageSize), nil
}

// setLastPage sends the Last-Page header Clockify puts on list answers.
func setLastPage(w http.ResponseWriter, last bool) {
	w.Header().Set("Last-Page", strconv.FormatBool(last))
}

// maxBody bounds request bodies; Clockify's are a few hundred bytes.
const maxBody = 1 << 20

// decodeBody reads a JSON body into v, answering 400 code 3002 when it is
// missing or malformed, as Clockify does for deserialisation errors.
func decodeBody(c *call, v any) error {
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody))
	if err != nil {
		writeError(c.w, http.StatusBadRequest, codeBadRequestBody, "Could not read request body")
		return errAnswered
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		writeError(c.w, http.StatusBadRequest, codeBadRequestBody, "Required request body is missing")
		return errAnswered
	}
	if err := json.Unmarshal(raw, v); err != nil {
		writeError(c.w, http.StatusBadRequest, codeBadRequestBody, "JSON parse error: "+err.Error())
		return errAnswered
	}
	return nil
}

// requireAdmin answers 403 unless the caller administers the workspace.
// The body is the one Clockify sends for a forbidden self status change;
// the body for a non-admin key is not confirmed (see README).
func requireAdmin(c *call) bool {
	if c.ws.isAdmin(c.key.UserID) {
		return true
	}
	writeError(c.w, http.StatusForbidden, codeBusiness, msgAccessDenied)
	return false
}

// adminBody is the opening of every admin call with a body: the key must
// be an admin's and the body must decode into req. It answers the request
// itself and returns false when either fails.
func adminBody(c *call, req any) bool {
	return requireAdmin(c) && decodeBody(c, req) == nil
}

// adminUserCall is the opening of every admin call on one member: the key
// must be an admin's, the body must decode into req, and {userId} must be
// in the workspace. It answers the request itself and returns nil when any
// of that fails.
func adminUserCall(c *call, req any) *User {
	if !adminBody(c, req) {
		return nil
	}
	u := c.ws.user(c.params["userId"])
	if u == nil {
		writeError(c.w, http.StatusBadRequest, codeBusiness, msgUserNotInWS)
	}
	return u
}

// enumMessage is Clockify's wording for a missing or invalid enum field.
func enumMessage(field string, allowed ...string) string {
	return fmt.Sprintf("You entered invalid value for field: [%s]. This field can't be empty and can't be null. Make sure that every value representing: [%s] must be from the following set: %s.",
		field, field, strings.Join(allowed, ", "))
}
