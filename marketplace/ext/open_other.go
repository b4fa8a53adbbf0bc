//go:build !unix

package ext

import "os"

// openRegular opens path for reading only if it is a regular file.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, describeOpenError(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, describeOpenError(path, err)
	}
	return f, nil
}
