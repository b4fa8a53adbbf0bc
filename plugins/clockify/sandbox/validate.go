package sandbox

import (
	"errors"
	"net/http"
)

// specValidator is replaced in the next change by the kin-openapi checker.
type specValidator struct{}

func newSpecValidator() (*specValidator, error) {
	return nil, errors.New("clockify sandbox: spec validation is not available yet")
}

func (v *specValidator) middleware(h http.Handler) http.Handler { return h }

func (v *specValidator) violations() []string { return nil }
