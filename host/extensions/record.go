package extensions

import (
	"crypto/ed25519"
	"time"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// Store kinds this package owns.
const (
	kindExtension  = "extension"
	kindTrustedKey = "extension-trusted-key"
	kindPublisher  = "extension-allowed-publisher"
	kindCatalog    = "extension-catalog"
)

// Record is an installed extension as stored; it is the pointer to the
// current release folder, replaced in one write on install and upgrade.
type Record struct {
	// ID, Name, Version, Publisher, Description come from the manifest.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	Publisher   string `json:"publisher"`
	Description string `json:"description"`
	// ProtocolVersions and HostVersion come from the manifest.
	ProtocolVersions []int  `json:"protocol_versions"`
	HostVersion      string `json:"host_version"`
	// OutboundHosts are the hosts the connector declares it calls.
	OutboundHosts []string `json:"outbound_hosts"`
	// Dir is the release folder, relative to the extensions folder.
	Dir string `json:"dir"`
	// Platform is the platform whose binary was installed.
	Platform string `json:"platform"`
	// Binary is the installed binary, relative to Dir, with its hash.
	Binary ext.UnpackedFile `json:"binary"`
	// Files are every file written, with their hashes.
	Files []ext.UnpackedFile `json:"files"`
	// Runtime is set for an interpreter-based connector: Binary is then its
	// entry script.
	Runtime *ext.Runtime `json:"runtime,omitempty"`
	// Signature is how the origin was established.
	Signature ext.SignatureStatus `json:"signature"`
	// KeyID is the signing key, empty when unsigned. With Publisher it is
	// the extension's pin: upgrades must match both (see checkPin).
	KeyID string `json:"key_id,omitempty"`
	// SignerKey is the signing key itself when the host trusted it, kept
	// so that a rotation to a new key can be checked against it.
	SignerKey ed25519.PublicKey `json:"signer_key,omitempty"`
	// ArchiveSHA256 is the digest of the .ext it came from.
	ArchiveSHA256 string `json:"archive_sha256"`
	// Source says where it came from: a path, a URL or "catalog:<location>".
	Source string `json:"source"`
	// Installed is when this release was installed.
	Installed time.Time `json:"installed"`
}

// Summary is one row of List.
type Summary struct {
	// ID, Name, Version and Publisher identify the extension.
	ID        string `json:"id"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	Publisher string `json:"publisher"`
	// Signature is "verified" or how it was let in.
	Signature ext.SignatureStatus `json:"signature"`
	// KeyID is the signing key.
	KeyID string `json:"key_id,omitempty"`
	// Integrations use it.
	Integrations []Usage `json:"integrations"`
}

// Details is what Show returns: the record and who uses it.
type Details struct {
	Record
	// Integrations use it.
	Integrations []Usage `json:"integrations"`
}

// TrustedKey is a public key an admin trusts to sign extensions.
type TrustedKey struct {
	// KeyID is derived from the key.
	KeyID string `json:"key_id"`
	// Name is the admin's label, e.g. the marketplace it belongs to.
	Name string `json:"name"`
	// PublicKey is the PEM "PUBLIC KEY" block.
	PublicKey string `json:"public_key"`
	// Added is when it was trusted.
	Added time.Time `json:"added"`
}

// AllowedPublisher lets unsigned or untrusted extensions of one publisher in.
type AllowedPublisher struct {
	// Publisher is the manifest's publisher.
	Publisher string `json:"publisher"`
	// Added is when it was allowed.
	Added time.Time `json:"added"`
}

// Catalog is a configured catalog.
type Catalog struct {
	// Name is the admin's label.
	Name string `json:"name"`
	// Location is an http(s) URL, a file:// URL or a folder path.
	Location string `json:"location"`
	// Added is when it was configured.
	Added time.Time `json:"added"`
}
