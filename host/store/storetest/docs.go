package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/idbridge/idbridge/host/store"
)

type doc struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func testDocsRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, nil)
	var got doc
	if err := s.Get(ctx, "doc", "missing", &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	for _, id := range []string{"b", "a", "c"} {
		if err := s.Put(ctx, "doc", id, doc{Name: id, Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, "doc", "a", doc{Name: "a", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "other", "a", doc{Name: "other"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Get(ctx, "doc", "a", &got); err != nil || got.Count != 2 {
		t.Fatalf("Get after replace = %+v, %v", got, err)
	}
	var ids []string
	err := s.List(ctx, "doc", func(id string, decode func(any) error) error {
		var d doc
		if err := decode(&d); err != nil {
			return err
		}
		if d.Name != id {
			t.Errorf("document %s decoded as %+v", id, d)
		}
		// Writing from inside the walk must not deadlock the single writer.
		if err := s.Put(ctx, "seen", id, true); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || ids[0] != "a" || ids[1] != "b" || ids[2] != "c" {
		t.Fatalf("List order = %v, want [a b c]", ids)
	}
	stop := errors.New("stop")
	if err := s.List(ctx, "doc", func(string, func(any) error) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("List did not return fn's error: %v", err)
	}
	if err := s.Delete(ctx, "doc", "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "doc", "a"); err != nil {
		t.Fatalf("deleting a missing document: %v", err)
	}
	if err := s.Get(ctx, "doc", "a", &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	if err := s.Put(ctx, "doc", "bad", func() {}); err == nil {
		t.Fatal("Put of an unencodable value succeeded")
	}
	var wrong []int
	if err := s.Get(ctx, "doc", "b", &wrong); err == nil {
		t.Fatal("Get into the wrong type succeeded")
	}
}
