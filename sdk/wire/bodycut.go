package wire

import "bytes"

// BodyCut returns where a body may be cut so that what is kept is at most
// n bytes of b and no secret in secrets is cut in two: a cut that would
// fall inside an occurrence of a secret moves back to where the occurrence
// starts, so masking the kept part masks the secret whole or leaves none of
// it. whole says that b is the whole body; when it is only the first bytes
// of a longer one (a connector already cut it), a secret may begin at b's
// end and go on past it, so the cut also moves back before any tail of b
// that starts a secret.
//
// The host and the SDK both cut bodies for exchange records (the connector
// before sending, the host before keeping), and both must leave no prefix
// of a secret behind, so the rule lives here once. See decision 0277.
func BodyCut(b []byte, n int, whole bool, secrets []string) int {
	cut := max(0, min(n, len(b)))
	if !whole {
		for _, s := range secrets {
			if len(s) == 0 {
				continue
			}
			for i := max(0, len(b)-len(s)+1); i < len(b) && i < cut; i++ {
				if b[i] == s[0] && bytes.HasPrefix([]byte(s), b[i:]) {
					cut = i
					break
				}
			}
		}
	}
	if cut == len(b) {
		return cut
	}
	// Moving the cut back may put it inside another occurrence (secrets
	// can overlap), so repeat until no occurrence straddles it.
	for moved := true; moved; {
		moved = false
		for _, s := range secrets {
			lo, hi := max(0, cut-len(s)+1), min(len(b), cut+len(s)-1)
			if len(s) < 2 || hi-lo < len(s) {
				continue
			}
			if i := bytes.Index(b[lo:hi], []byte(s)); i >= 0 && lo+i < cut {
				cut, moved = lo+i, true
			}
		}
	}
	return cut
}
