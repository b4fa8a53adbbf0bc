package sdk

import "google.golang.org/protobuf/encoding/protowire"

// The host decodes every tag and length of every record; almost all of
// them fit in one byte. These wrappers take that case inline and leave
// the rest to protowire, which cost a function call each and a fifth of
// the decoder's time.

// consumeTag is protowire.ConsumeTag with the one-byte case inline.
func consumeTag(b []byte) (protowire.Number, protowire.Type, int) {
	if len(b) > 0 && b[0] < 0x80 && b[0]>>3 != 0 {
		return protowire.Number(b[0] >> 3), protowire.Type(b[0] & 7), 1
	}
	return protowire.ConsumeTag(b)
}

// consumeBytes is protowire.ConsumeBytes with a one-byte length inline.
func consumeBytes(b []byte) ([]byte, int) {
	if len(b) > 0 && b[0] < 0x80 && int(b[0]) < len(b) {
		n := int(b[0])
		return b[1 : 1+n], 1 + n
	}
	return protowire.ConsumeBytes(b)
}
