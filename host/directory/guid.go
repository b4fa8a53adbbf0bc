package directory

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// FormatGUID renders AD's 16-byte objectGUID in the usual string form. AD
// stores the first three fields little-endian, so the bytes are not in the
// order the string shows them.
func FormatGUID(b []byte) string {
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x",
		binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint16(b[4:6]),
		binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}

// ParseGUID is the inverse of FormatGUID.
func ParseGUID(s string) ([]byte, error) {
	h := strings.ReplaceAll(s, "-", "")
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) != 16 || strings.Count(s, "-") != 4 {
		return nil, fmt.Errorf("%q is not a GUID like 01234567-89ab-cdef-0123-456789abcdef", s)
	}
	out := make([]byte, 16)
	binary.LittleEndian.PutUint32(out[0:4], binary.BigEndian.Uint32(raw[0:4]))
	binary.LittleEndian.PutUint16(out[4:6], binary.BigEndian.Uint16(raw[4:6]))
	binary.LittleEndian.PutUint16(out[6:8], binary.BigEndian.Uint16(raw[6:8]))
	copy(out[8:], raw[8:])
	return out, nil
}

// binaryGUIDAttributes are AD attributes that hold raw GUIDs; reads turn them
// into strings so callers never handle bytes.
var binaryGUIDAttributes = map[string]bool{"objectguid": true, "invocationid": true}
