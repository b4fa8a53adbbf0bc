// Package citest checks the repository's CI scripts (.ci/) for the
// properties the suite relies on; it has no code of its own.
package citest
