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
// Nothing an archive declares is believed before it is bounded: the zip's
// end record is read first and a directory with more entries or bytes
// than the limits is refused before a zip reader parses it; entries that
// share bytes are refused; and every entry is decompressed here, counting
// the bytes read from the archive and produced, so expansion limits hold
// whatever the headers say (decision 0183).
//
// Writing uses the standard library's zip writer so archives are
// reproducible; reading walks the directory with klauspost/compress/zip
// (the reader github.com/mholt/archives wraps). Other formats passed off as
// .ext are named from their first bytes, and a tar's headers are read with
// mholt/archives to report a link or device inside it.
package ext
