// Package catalog is the marketplace's catalog: an index of the .ext
// archives in a folder, an HTTP handler that serves the folder read-only,
// and the client hosts use to find and download an extension by name.
//
// The index is a convenience, not a trust anchor: it carries each
// archive's sha256 so a download can be checked before it is opened, but
// hosts still verify the archive's own signature against the keys their
// admin trusts.
package catalog
