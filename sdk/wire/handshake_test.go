package wire

import (
	"errors"
	"strings"
	"testing"
)

func TestAsVersionMismatch(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		version int
		upgrade string
	}{
		{"current go-plugin wording", errors.New("incompatible API version with plugin. Plugin version: 2, Client versions: [1]"), 2, "upgrade the idbridge host"},
		{"older capitalised wording", errors.New("Incompatible API version with plugin. Plugin version: 0, Client versions: [1]"), 0, "upgrade the connector"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vm := AsVersionMismatch(tc.err)
			if vm == nil {
				t.Fatal("not recognised")
			}
			if vm.ConnectorVersion != tc.version || !strings.Contains(vm.Error(), tc.upgrade) {
				t.Fatalf("got v%d %q", vm.ConnectorVersion, vm.Error())
			}
		})
	}
	for _, err := range []error{nil, errors.New("incompatible core API version with plugin. Plugin version: 9")} {
		if AsVersionMismatch(err) != nil {
			t.Errorf("%v taken for a protocol mismatch", err)
		}
	}
}
