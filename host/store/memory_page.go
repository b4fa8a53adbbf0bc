package store

import (
	"iter"
	"strconv"
)

// memoryPage pages a listing of the memory backend as the database
// backends page theirs: of items, in their order, those keep accepts, at
// most size of them, and the cursor of the next page (the position of the
// page's last item) when another item is accepted after them.
func memoryPage[T any](items iter.Seq[T], size int, keep func(T) bool, pos func(T) int64) ([]T, string) {
	var out []T
	for v := range items {
		if !keep(v) {
			continue
		}
		if len(out) == size {
			return out, strconv.FormatInt(pos(out[size-1]), 10)
		}
		out = append(out, v)
	}
	return out, ""
}

// newestFirst walks s from its end: listings that are newest first.
func newestFirst[T any](s []T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(s[i]) {
				return
			}
		}
	}
}
