// Package packaging holds the packaging templates of the extensions this
// repository ships: for each, the manifest's descriptive fields, its README
// and its icon. `make ext` copies a template, adds the binaries it
// cross-compiles, and packs and signs the result.
package packaging

import "embed"

// Templates are the templates by extension id, e.g. "clockify/manifest.json".
//
//go:embed clockify scim
var Templates embed.FS
