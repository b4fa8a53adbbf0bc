package mapping

import "strings"

// slabChunk is how many strings a slab allocates at a time: large enough
// that 100,000 users or records cost a few hundred allocations instead of
// one each, small enough that the unused tail of the last chunk is noise.
const slabChunk = 4096

// slab hands out fixed-size string slices carved from shared chunks. The
// planner keeps every user and record until it is dropped, so a chunk never
// outlives what it holds by long.
type slab struct{ free []string }

// take returns n zeroed strings whose capacity ends at n, so an append to
// one never writes into the next.
func (s *slab) take(n int) []string {
	if n == 0 {
		return nil
	}
	if len(s.free) < n {
		s.free = make([]string, max(slabChunk, n))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// text copies the strings one user or record keeps into one allocation:
// the planner holds them for the whole plan, and a hundred thousand users
// are then a hundred thousand objects for the collector, not half a
// million, and none of them pins a part of the caller's input. See
// decision 0264.
type text struct{ b strings.Builder }

// newText returns a text with room for size bytes. Strings keep returns
// stay valid as it grows: a builder never changes bytes it has written.
func newText(size int) *text {
	t := &text{}
	t.b.Grow(size)
	return t
}

// keep returns a copy of s held in t.
func (t *text) keep(s string) string {
	at := t.b.Len()
	t.b.WriteString(s)
	return t.b.String()[at:]
}

// keepJoined returns vals joined by multiSep, held in t.
func (t *text) keepJoined(vals []string) string {
	at := t.b.Len()
	for i, v := range vals {
		if i > 0 {
			t.b.WriteString(multiSep)
		}
		t.b.WriteString(v)
	}
	return t.b.String()[at:]
}
