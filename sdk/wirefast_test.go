package sdk

import (
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// TestFastWireAgreesWithProtowire holds the inline paths to protowire's
// answers on every one- and two-byte prefix, and on lengths that run
// past the end.
func TestFastWireAgreesWithProtowire(t *testing.T) {
	inputs := [][]byte{nil, {0x80}}
	for a := range 256 {
		inputs = append(inputs, []byte{byte(a)}, []byte{byte(a), 0x01}, []byte{byte(a), 0x01, 0x02, 0x03})
	}
	for _, b := range inputs {
		n1, t1, k1 := consumeTag(b)
		n2, t2, k2 := protowire.ConsumeTag(b)
		if n1 != n2 || t1 != t2 || k1 != k2 {
			t.Errorf("consumeTag(%x) = %d %d %d, protowire %d %d %d", b, n1, t1, k1, n2, t2, k2)
		}
		v1, m1 := consumeBytes(b)
		v2, m2 := protowire.ConsumeBytes(b)
		if string(v1) != string(v2) || m1 != m2 {
			t.Errorf("consumeBytes(%x) = %x %d, protowire %x %d", b, v1, m1, v2, m2)
		}
	}
}
