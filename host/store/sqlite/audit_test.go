package sqlite

import (
	"context"
	"testing"

	"github.com/idbridge/idbridge/host/store"
)

func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	if _, err := s.Audit().Append(ctx, store.AuditEntry{Actor: "a", Action: "x", Target: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`UPDATE audit SET actor = 'someone else'`); err == nil {
		t.Fatal("an audit entry was rewritten")
	}
	if _, err := s.w.Exec(`DELETE FROM audit`); err == nil {
		t.Fatal("an audit entry was deleted")
	}
}
