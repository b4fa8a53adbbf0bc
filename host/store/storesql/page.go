package storesql

import "strconv"

// Rows is a result of several rows, as both drivers' results offer it.
// The caller closes it.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// Collect reads every row of rows with scan.
func Collect[T any](rows Rows, scan func(Scanner) (T, int64, error)) ([]T, error) {
	out, _, err := collect(rows, scan)
	return out, err
}

// readPage reads a page of a listing whose query asked for size+1 rows:
// the extra row, when it comes, only says that there is a next page. It
// returns at most size items and the cursor of the next page, the position
// of the page's last item, or "" after the last page.
func readPage[T any](rows Rows, size int, scan func(Scanner) (T, int64, error)) ([]T, string, error) {
	out, pos, err := collect(rows, scan)
	if err != nil || len(out) <= size {
		return out, "", err
	}
	return out[:size], strconv.FormatInt(pos[size-1], 10), nil
}

func collect[T any](rows Rows, scan func(Scanner) (T, int64, error)) ([]T, []int64, error) {
	var out []T
	var pos []int64
	for rows.Next() {
		v, p, err := scan(rows)
		if err != nil {
			return nil, nil, err
		}
		out, pos = append(out, v), append(pos, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return out, pos, nil
}
