// Package ext is the .ext extension format: the manifest and its detached
// ed25519 signature, packing a folder into an archive, signing it, and
// opening, verifying and unpacking an archive that came from anywhere.
//
// Everything that reads an archive treats it as hostile until proven
// otherwise: structure and names are checked before any content is read,
// the signature is checked before the manifest is believed, and every file
// is hashed while it is written to a staging folder the caller owns. The
// host's extension manager moves that folder into place only when Unpack
// returned without error.
//
// Writing uses the standard library's zip writer so archives are
// reproducible; reading goes through github.com/mholt/archives, which also
// recognises the other archive formats so that a tar or 7z renamed to .ext
// is named as such in the error instead of being called "corrupt".
package ext
