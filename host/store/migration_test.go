package store

import (
	"errors"
	"testing"
)

func TestPendingMigrations(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "0001_init.sql"}, {Version: 2, Name: "0002_more.sql"}}
	for current, want := range []int{2, 1, 0} {
		got, err := Pending(ms, current)
		if err != nil || len(got) != want || (want > 0 && got[0].Version != current+1) {
			t.Fatalf("at version %d: %v, %v", current, got, err)
		}
	}
	_, err := Pending(ms, 3)
	if !errors.Is(err, ErrSchemaTooNew) || err.Error() != "store schema version 3, this idbridge knows up to 2: "+ErrSchemaTooNew.Error() {
		t.Fatalf("a newer schema: %v", err)
	}
}
