package cli

import (
	"net/http"
	"testing"
)

// "Too large" answers used to exit 1 or 2 depending on which status and
// wording they came with; the error code decides now.
func TestExitCodeFollowsTheErrorCodeNotTheWording(t *testing.T) {
	for _, c := range []struct {
		err  *APIError
		want int
	}{
		{&APIError{Status: http.StatusRequestEntityTooLarge, Code: "archive_too_large", Message: "the upload is 2097152 bytes, limit 1048576"}, ExitFailure},
		{&APIError{Status: http.StatusUnprocessableEntity, Code: "archive_too_large", Message: "the .ext archive is larger than this host accepts"}, ExitFailure},
		{&APIError{Status: http.StatusUnprocessableEntity, Code: "extension_refused", Message: "the archive has more files than this host accepts"}, ExitFailure},
		{&APIError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "the request body is larger than 4194304 bytes"}, ExitUsage},
		{&APIError{Status: http.StatusBadRequest, Code: "invalid_source", Message: "no such file"}, ExitUsage},
		{&APIError{Status: http.StatusConflict, Code: "pinned_publisher", Message: "refusing to replace"}, ExitConflict},
		{&APIError{Status: http.StatusUnprocessableEntity, Code: "extension_refused", Message: "invalid usage of a symlink"}, ExitFailure},
		{&APIError{Status: http.StatusNotFound, Code: "not_installed", Message: "x"}, ExitNotFound},
	} {
		if got := processExitCode(c.err); got != c.want {
			t.Errorf("%d %s %q: exit %d, want %d", c.err.Status, c.err.Code, c.err.Message, got, c.want)
		}
	}
}
