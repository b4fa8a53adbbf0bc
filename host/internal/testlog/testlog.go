// Package testlog captures what a host under test logs from its own
// goroutines, for tests that read the log while the host still writes it.
package testlog

import (
	"strings"
	"sync"
)

// Buffer is a strings.Builder that many goroutines may write while a test
// reads it. The zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p; it never fails.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
