package sandbox

import (
	"crypto/rand"
	"encoding/hex"
)

// newID mints an id shaped like Clockify's MongoDB ObjectIds (24 lowercase
// hex characters). Real clients such as the Clockify CLI reject anything
// else, so the sandbox never hands out another shape.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b[:])
}

// isID reports whether s has the ObjectId shape.
func isID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
