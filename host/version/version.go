// Package version holds the build's version, set by the Makefile through
// -ldflags so that every binary reports the same one.
package version

// Version is the idbridge release, "0.1.0-dev" for untagged builds.
var Version = "0.1.0-dev"
