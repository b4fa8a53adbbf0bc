package outbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/outbound"
)

// TestLookupTakesWhatAdminsType: a DN, an objectGUID and a logon name all
// find the same user; an unknown logon name says what to give instead.
func TestLookupTakesWhatAdminsType(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	objs := outbound.DirectoryObjects{Client: f.dir}
	dn := f.dn(t, "ada.owner")
	byDN, err := objs.Lookup(ctx, dn)
	if err != nil {
		t.Fatal(err)
	}
	byID, err := objs.Lookup(ctx, byDN.ID)
	if err != nil || byID.DN != dn {
		t.Fatalf("by objectGUID: %+v, %v", byID, err)
	}
	byName, err := objs.Lookup(ctx, "ada.owner")
	if err != nil || byName.DN != dn || byName.ID != byDN.ID {
		t.Fatalf("by sAMAccountName: %+v, %v; want %s", byName, err, dn)
	}
	_, err = objs.Lookup(ctx, "nobody.here")
	if !errors.Is(err, directory.ErrNotFound) || !strings.Contains(err.Error(), "logon name") {
		t.Fatalf("unknown logon name: %v; want ErrNotFound saying what to give", err)
	}
	// A logon name is a value, never a filter.
	if _, err := objs.Lookup(ctx, "*"); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("lookup of \"*\": %v; want not found", err)
	}
}
