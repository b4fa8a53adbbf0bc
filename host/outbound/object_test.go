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
	// A DN nobody has is said in words, without the server's result code.
	nobody := "CN=Nobody Here," + dn[strings.Index(dn, ",")+1:]
	if _, err := objs.Lookup(ctx, nobody); !errors.Is(err, directory.ErrNotFound) ||
		!strings.Contains(err.Error(), "no user or group has the DN") || strings.Contains(err.Error(), "Result Code") {
		t.Fatalf("unknown DN: %v; want ErrNotFound in words", err)
	}
	nowhere := "CN=Nobody Here,OU=Nowhere," + dn[strings.Index(dn, ",")+1:]
	if _, err := objs.Lookup(ctx, nowhere); !errors.Is(err, directory.ErrNotFound) || strings.Contains(err.Error(), "Result Code") {
		t.Fatalf("DN under an OU nobody has: %v; want ErrNotFound in words", err)
	}
	// A logon name is a value, never a filter.
	if _, err := objs.Lookup(ctx, "*"); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("lookup of \"*\": %v; want not found", err)
	}
}
