package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSONPosition turns a byte offset into raw (as json.SyntaxError and
// json.UnmarshalTypeError report it) into a 1-based line and column
// counted in characters, the way an editor shows them: an admin editing a
// template as JSON looks for "line 7, column 12", not "byte 213". See
// decision 0229.
func JSONPosition(raw []byte, offset int64) (line, col int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	before := raw[:max(offset, 0)]
	line = 1 + strings.Count(string(before), "\n")
	if i := strings.LastIndexByte(string(before), '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}

// DescribeJSONError explains why raw is not valid JSON with the line and
// column of the mistake, e.g. "invalid character '}' looking for
// beginning of value at line 3, column 1". Errors without a position are
// described as they are.
func DescribeJSONError(err error, raw []byte) string {
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		// The decoder reports the offset after the offending character.
		line, col := JSONPosition(raw, syntaxErr.Offset-1)
		return fmt.Sprintf("%s at line %d, column %d", strings.TrimPrefix(syntaxErr.Error(), "json: "), line, col)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		// Its offset is the value's end: only the line is sure.
		line, _ := JSONPosition(raw, typeErr.Offset-1)
		return fmt.Sprintf("%s at line %d", strings.TrimPrefix(typeErr.Error(), "json: "), line)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
