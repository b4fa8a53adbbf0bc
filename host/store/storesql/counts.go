package storesql

import (
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/store"
)

// AddCounts returns what Runs.AddCounts writes back: the counts of run
// runID, read as raw with err under the backend's lock, plus delta.
func (d Dialect) AddCounts(runID, raw string, err error, delta map[string]int) (string, error) {
	switch {
	case errors.Is(err, d.NoRows):
		return "", fmt.Errorf("run %s: %w", runID, store.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("read run %s counts: %w", runID, err)
	}
	counts, err := store.AddCountsJSON(raw, delta)
	if err != nil {
		return "", fmt.Errorf("run %s counts: %w", runID, err)
	}
	return counts, nil
}
