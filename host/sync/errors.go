package sync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/api"
)

var (
	// ErrInvalid marks a data source refused at save.
	ErrInvalid = errors.New("data source is not valid")
	// ErrNeedsConfirmation refuses an apply that changes more than the
	// data source's change limit; apply again with confirmation after
	// reviewing the plan.
	ErrNeedsConfirmation = errors.New("the plan changes more than the data source's change limit: review it with `idbridge sync plan` and apply with --confirm")
	// ErrDirectoryLost stops an apply whose directory went away; the run
	// record lists what was applied before.
	ErrDirectoryLost = errors.New("the directory became unavailable during the apply")
	// ErrBusy refuses an apply while another apply of the same data source
	// runs.
	ErrBusy = errors.New("an apply of this data source is already running")
	// ErrSchemaUnchecked means the directory could not be asked whether
	// the mapped attributes exist, so the data source was not saved.
	ErrSchemaUnchecked = errors.New("cannot check the LDAP attributes against the directory schema: make sure the directory is reachable and save again")
)

// InvalidError lists every problem of a data source at once.
type InvalidError struct {
	DataSource string
	// Problems are "where: what is wrong" lines, the place named in the
	// admin's words.
	Problems []string
	// Fields are the same problems under the definition's paths
	// ("mappings[0].attribute"), for the API's structured error so a form
	// places each beside its input. See decisions 0222 and 0229.
	Fields []api.FieldError
	// Err is the mapping's *ValidationError when it found problems.
	Err error
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("data source %q is not valid: %s", e.DataSource, strings.Join(e.Problems, "; "))
}

// Unwrap exposes ErrInvalid and the mapping's problem kinds
// (mapping.ErrUnknownField, mapping.ErrUnknownAttribute, ...).
func (e *InvalidError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// RunError is a failed or stopped run: the run id to look up in the run
// records, and the cause.
type RunError struct {
	RunID string
	// Applied is the number of changes written before the run stopped.
	Applied int
	Err     error
}

// Error implements error.
func (e *RunError) Error() string {
	return fmt.Sprintf("sync run %s: %v (changes applied before it stopped: %d; the run record lists each one)", e.RunID, e.Err, e.Applied)
}

// Unwrap exposes the cause.
func (e *RunError) Unwrap() error { return e.Err }
