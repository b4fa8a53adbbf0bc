package mapping

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
